/** The node's bounds and defaults, in one place: the panel shows them, the job enforces them. */

export const MiB = 1024 * 1024;

/** Auto upload: files up to this size travel inline as a data: URI (fal: large data URIs slow the request). */
export const INLINE_LIMIT_BYTES = 1 * MiB;
/** Runflow's SDK caps uploads at 50 MB and fal's simple upload at ~90 MB: one limit for both. */
export const UPLOAD_LIMIT_BYTES = 50 * MiB;

export const DEFAULT_MAX_CONCURRENCY = 4;
export const DEFAULT_MAX_WAIT_SECONDS = 600;

/** A mask is a few MB at most; anything far larger is not a mask. */
export const DOWNLOAD_LIMIT_BYTES = 100 * MiB;
export const DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * Mask and preview downloads at once per node run, per Max Concurrent Jobs slot (4 jobs: 16 downloads). Each
 * download holds a socket and, in filesystem binary mode, a file while it lasts: 100 items × 32 masks unbounded
 * opened ~1,200 at once and ran out of file descriptors (EMFILE) at the common 1,024 limit.
 */
export const DOWNLOADS_PER_JOB_SLOT = 4;

/**
 * fal's status stream: the longest silence accepted between two events before the node stops trusting the stream
 * and polls. fal sends an event on each change (and log lines), so a SAM 3 job (seconds) is never this quiet; a
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

/**
 * RLE masks are decoded by the node at the input image's size (one bit per pixel). An image beyond this many
 * pixels is refused for RLE before any job starts (50 MP: larger than any camera photo SAM 3 is sent).
 */
export const MAX_RLE_IMAGE_PIXELS = 50_000_000;
/** All masks of one RLE answer together (32 masks of a 16 MP photo: 64 MiB of bits): more is refused, not allocated. */
export const MAX_RLE_RESULT_PIXELS = 32 * 16_000_000;
