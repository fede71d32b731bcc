/**
 * A TEST DOUBLE of OpenAI's Chat Completions API (`POST /v1/chat/completions`, JSON or `stream: true` SSE), for
 * n8n's OpenAI Chat Model (typeVersion 1.2) behind an AI Agent. It is no model: a conversation without a tool
 * result gets a `tool_calls` answer for the tool the test names (arguments from the test), and one that carries a
 * tool result gets a final text built from that result. Every request body is recorded, so a test reads exactly
 * what the model was shown: the tools n8n offered and each tool message's content.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CredentialFixture } from './n8n-home';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content?: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: { properties?: Record<string, unknown>; required?: string[] } };
}

export interface ChatRequest {
	model?: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[key: string]: unknown;
}

/** What the stand-in does with a conversation: which tool to call with which arguments, and the final text. */
export interface ChatPlan {
	/** Picks the tool to call from those n8n offered (default: the only one, else the first). */
	tool?: (tools: ChatTool[]) => ChatTool | undefined;
	/** The tool call's arguments, from the request (e.g. the photo URL in the user's message). */
	toolArgs: (request: ChatRequest) => Record<string, unknown>;
	/** The final answer from the tool messages' content (default: `describeToolResult`). */
	answer?: (toolContents: string[]) => string;
}

export interface RecordedChat {
	path: string;
	body: ChatRequest;
	/** 'tool_call' or 'final'. */
	replied: 'tool_call' | 'final' | 'error';
	/** The tool call sent (name and arguments) or the final text. */
	toolCall?: { name: string; arguments: Record<string, unknown> };
	text?: string;
}

export interface OpenAiStandIn {
	/** http://127.0.0.1:PORT/v1: the openAiApi credential's Base URL. */
	baseUrl: string;
	requests: RecordedChat[];
	plan: ChatPlan | undefined;
	/** Tool messages' content, in the order the model got them. */
	toolContents(): string[];
	credential(id?: string): CredentialFixture;
	close(): Promise<void>;
}

export const OPENAI_CREDENTIAL_ID = 'sam3e2eopenai001';

const textOf = (content: ChatMessage['content']): string =>
	typeof content === 'string' ? content : Array.isArray(content) ? content.map((part) => part.text ?? '').join('') : '';

/** "Found 2 objects (scores 0.93, 0.81)." from a SAM 3 tool result; its error for a failed call. */
export function describeToolResult(contents: string[]): string {
	const last = contents[contents.length - 1] ?? '';
	let parsed: unknown;
	try {
		parsed = JSON.parse(last);
	} catch {
		return `The tool answered with text I cannot read: ${last.slice(0, 200)}`;
	}
	const result = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, any> | undefined;
	if (result && typeof result.error === 'string') return `The SAM 3 tool reported an error: ${result.error}`;
	if (result && typeof result.maskCount === 'number') {
		const scores = (result.masks ?? []).map((mask: any) => Number(mask.score).toFixed(2)).join(', ');
		return `Found ${result.maskCount} product(s)${scores ? ` with scores ${scores}` : ''}.`;
	}
	return `The tool answered: ${last.slice(0, 200)}`;
}

/** The conversation since the user's last message holds a tool result: time for the final answer. */
function toolResultsSinceLastUser(messages: ChatMessage[]): string[] {
	const lastUser = messages.map((m) => m.role).lastIndexOf('user');
	return messages.slice(lastUser + 1).filter((m) => m.role === 'tool').map((m) => textOf(m.content));
}

function completion(request: ChatRequest, message: ChatMessage, finishReason: 'tool_calls' | 'stop') {
	return {
		id: `chatcmpl-stand-in-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: request.model ?? 'stand-in',
		choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

/** The same answer as Chat Completions chunks (server-sent events), for a client that asked to stream. */
function streamed(res: ServerResponse, request: ChatRequest, message: ChatMessage, finishReason: 'tool_calls' | 'stop'): void {
	const base = { id: `chatcmpl-stand-in-${Date.now()}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: request.model ?? 'stand-in' };
	const delta = message.tool_calls
		? { role: 'assistant', content: null, tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) }
		: { role: 'assistant', content: message.content };
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
	send({ ...base, choices: [{ index: 0, delta, finish_reason: null }] });
	send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] });
	send({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } });
	res.end('data: [DONE]\n\n');
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function startOpenAiStandIn(): Promise<OpenAiStandIn> {
	const requests: RecordedChat[] = [];
	let callCounter = 0;
	const standIn = { plan: undefined as ChatPlan | undefined };

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
		if (req.method === 'GET' && path.endsWith('/models')) {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'stand-in' }] }));
			return;
		}
		if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: `the OpenAI stand-in does not serve ${req.method} ${path}`, type: 'invalid_request_error' } }));
			return;
		}
		const body = JSON.parse(await readBody(req)) as ChatRequest;
		const plan = standIn.plan;
		const toolContents = toolResultsSinceLastUser(body.messages ?? []);
		const tools = body.tools ?? [];
		const tool = plan && (plan.tool ? plan.tool(tools) : tools[0]);
		let message: ChatMessage;
		let finish: 'tool_calls' | 'stop';
		const record: RecordedChat = { path, body, replied: 'final' };
		if (!plan) {
			record.replied = 'error';
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: 'the OpenAI stand-in has no plan for this test', type: 'server_error' } }));
			requests.push(record);
			return;
		}
		if (toolContents.length || !tool) {
			const text = (plan.answer ?? describeToolResult)(toolContents);
			message = { role: 'assistant', content: text };
			finish = 'stop';
			record.text = text;
		} else {
			const args = plan.toolArgs(body);
			const id = `call_stand_in_${++callCounter}`;
			message = { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(args) } }] };
			finish = 'tool_calls';
			record.replied = 'tool_call';
			record.toolCall = { name: tool.function.name, arguments: args };
		}
		requests.push(record);
		if (body.stream) return streamed(res, body, message, finish);
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify(completion(body, message, finish)));
	};

	const server: Server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: `OpenAI stand-in: ${error.message}`, type: 'server_error' } }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const baseUrl = `http://127.0.0.1:${port}/v1`;
	return {
		baseUrl,
		requests,
		get plan() {
			return standIn.plan;
		},
		set plan(plan) {
			standIn.plan = plan;
		},
		toolContents: () => requests.flatMap((r) => (r.replied === 'final' ? toolResultsSinceLastUser(r.body.messages) : [])),
		credential: (id = OPENAI_CREDENTIAL_ID) => ({
			id,
			name: 'OpenAI stand-in (test double)',
			type: 'openAiApi',
			data: { apiKey: 'sk-stand-in-not-a-real-key', url: baseUrl, header: false },
		}),
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
