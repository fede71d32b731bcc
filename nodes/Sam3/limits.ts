/** The node's bounds and defaults, in one place: the panel shows them, the job enforces them. */

export const MiB = 1024 * 1024;

/** Auto upload: files up to this size travel inline as a data: URI (fal: large data URIs slow the request). */
export const INLINE_LIMIT_BYTES = 1 * MiB;
/** Runflow's SDK caps uploads at 50 MB and fal's simple upload at ~90 MB: one limit for both. */
export const UPLOAD_LIMIT_BYTES = 50 * MiB;

export const DEFAULT_MAX_CONCURRENCY = 4;
export const DEFAULT_MAX_WAIT_SECONDS = 600;
/**
 * The video operations' (Segment Video, Track Objects): fal works through a clip frame by frame, so a minute-long
 * clip can take many minutes, queue included.
 */
export const DEFAULT_VIDEO_MAX_WAIT_SECONDS = 1800;

/** A mask is a few MB at most; anything far larger is not a mask. */
export const DOWNLOAD_LIMIT_BYTES = 100 * MiB;
export const DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * JSON answers are bounded too (transport/bounded-reader.ts, json-answer.ts): a submit or result answer as much as a download (fal
 * sync mode carries the masks as data: URIs), every other answer — status, upload slots, cancel — this much. Those
 * are small objects; a Runflow run echoes its input (an inline data: URI up to INLINE_LIMIT_BYTES) and fal adds
 * log lines, so 8 MiB leaves room for both while a broken or hostile answer cannot take the process's memory.
 */
export const SMALL_ANSWER_LIMIT_BYTES = 8 * MiB;

/**
 * A download that says (Content-Length) it is at most this large is read whole and stored from its bytes; larger or
 * unsized ones stream into n8n's binary storage. Masks are a few KB: streaming each through a checking generator
 * cost more CPU than the transfer. At 4 downloads per job slot this holds at most 16 MiB per slot at once.
 */
export const BUFFERED_DOWNLOAD_BYTES = 1 * MiB;

/**
 * Mask and preview downloads at once per node run, per Max Concurrent Jobs slot (4 jobs: 16 downloads). Each
 * download holds a socket and, in filesystem binary mode, a file while it lasts: 100 items × 32 masks unbounded
 * opened ~1,200 at once and ran out of file descriptors (EMFILE) at the common 1,024 limit.
 */
export const DOWNLOADS_PER_JOB_SLOT = 4;

/**
 * fal's status stream: the longest silence (not a byte) accepted before the node stops trusting the stream and
 * polls. fal sends an event on each change (and log lines), so a SAM 3 job (seconds) is never this quiet; a
 * stalled connection costs at most this long before polling takes over.
 */
export const STREAM_QUIET_MS = 10_000;

/**
 * Bounds on what a provider's answer can make the node hold. SAM 3 returns at most 32 masks with Return Multiple
 * Masks (and a few instances per text prompt otherwise): a result with far more is not one to download.
 */
export const MAX_MASKS_PER_RESULT = 256;
/** One status-stream event is a small JSON object: a line that grows past this is no status (polling takes over). */
export const MAX_STREAM_EVENT_BYTES = 1 * MiB;
/** A whole status stream: a status event and its log lines per change of a job; past this the node polls instead. */
export const STATUS_STREAM_LIMIT_BYTES = 64 * MiB;

/**
 * Video. fal's simple storage upload takes files up to ~90 MB (larger ones need its multipart upload), so a video
 * from a binary is bounded below that (85 MiB = 89 MB). A result video is far larger than a mask but not unbounded; it streams into
 * n8n's binary storage, bounded by size and time. A per-frame answer holds one entry per frame: 50,000 frames is
 * half an hour at 30 fps.
 */
export const VIDEO_UPLOAD_LIMIT_BYTES = 85 * MiB;
/** In n8n's default binary mode a file is kept as base64 text: 512 MiB is 716 M characters, within V8's string limit (~1 G). */
export const VIDEO_DOWNLOAD_LIMIT_BYTES = 512 * MiB;
export const VIDEO_DOWNLOAD_TIMEOUT_MS = 600_000;
export const MAX_VIDEO_FRAMES = 50_000;
/** Segment Video's Mask Files per Frame: the PNGs of one item together (1-bit, uncompressed: 1080p is 253 KiB a frame). */
export const FRAME_MASK_FILES_LIMIT_BYTES = 256 * MiB;

/**
 * RLE masks are decoded by the node at the input image's size (one bit per pixel). An image beyond this many
 * pixels is refused for RLE before any job starts (50 MP: larger than any camera photo SAM 3 is sent).
 */
export const MAX_RLE_IMAGE_PIXELS = 50_000_000;
/** All masks of one RLE answer together (32 masks of a 16 MP photo: 64 MiB of bits): more is refused, not allocated. */
export const MAX_RLE_RESULT_PIXELS = 32 * 16_000_000;

/**
 * Files a result may list besides its masks and preview (Runflow's outputs[]: "one entry per generated artifact").
 * SAM 3 makes masks and a preview; a few more (an archive of the masks) are plausible, hundreds are no answer.
 */
export const MAX_EXTRA_FILES_PER_RESULT = 16;
/** A model field beyond the masks (actual_prompt, description …) is a short text: a larger one is named, not copied. */
export const MODEL_FIELD_LIMIT_BYTES = 64 * 1024;

/**
 * SAM 3D. fal's guide puts a GLB at 2–15 MB and a Gaussian splat (.ply) at 5–50 MB; the caps leave a wide margin
 * (a textured GLB of a detailed object, a scene of several objects) and still stop a runaway answer. In n8n's
 * default binary mode each file is held as base64 text while the item lives: the README says to use filesystem
 * (or S3 / database) mode for 3D. The artifacts zip holds all of a result's files together.
 */
export const GLB_DOWNLOAD_LIMIT_BYTES = 64 * MiB;
export const SPLAT_DOWNLOAD_LIMIT_BYTES = 200 * MiB;
export const ARTIFACTS_ZIP_LIMIT_BYTES = 512 * MiB;
export const MODEL_3D_DOWNLOAD_TIMEOUT_MS = 600_000;
/** Objects in one 3D Object result, people in one 3D Body result: far more is not a scene to download. */
export const MAX_3D_OBJECTS = 32;
export const MAX_3D_PEOPLE = 32;

/** Track Objects in a Video: tracked objects per answer, and the frame size the RLE masks decode to (8K). */
export const MAX_TRACKED_OBJECTS = 256;
export const MAX_VIDEO_PIXELS = 7680 * 4320;
