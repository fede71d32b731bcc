/** fal's REST host: storage upload initiation (`/storage/upload/initiate?storage_type=fal-cdn-v3`). */
import type { EmulatorContext } from './context';
import { checkFalKey, falHost, jsonErrorReply, validationReply } from './fal-shared';
import type { FieldIssue } from './schema';
import type { VirtualHostModule } from './server';
import type { IncomingCall, Reply } from './types';

async function initiateUpload(ctx: EmulatorContext, call: IncomingCall): Promise<Reply> {
	const denied = checkFalKey(ctx, call) ?? jsonErrorReply(call);
	if (denied) return denied;
	const body = (call.json ?? {}) as Record<string, unknown>;
	const issues: FieldIssue[] = [];
	for (const field of ['content_type', 'file_name']) {
		if (body[field] === undefined) issues.push({ path: [field], msg: 'Field required', type: 'missing' });
		else if (typeof body[field] !== 'string') issues.push({ path: [field], msg: 'Input should be a valid string', type: 'string_type' });
	}
	if (issues.length) return validationReply(issues);
	const upload = ctx.files.createUpload(String(body.content_type), String(body.file_name));
	return { status: 200, body: { upload_url: upload.uploadUrl, file_url: upload.fileUrl } };
}

export function falRestHost(ctx: EmulatorContext): VirtualHostModule {
	return falHost((call) => {
		if (call.method === 'POST' && call.path === '/storage/upload/initiate') {
			return { name: 'fal.upload.initiate', handle: (c) => initiateUpload(ctx, c) };
		}
		return undefined;
	});
}
