/**
 * Manual Trigger → AI Agent ← OpenAI Chat Model (the stand-in) ← SAM 3 tool (`n8n-nodes-sam3.sam3Tool`, image URL
 * and prompt from `$fromAI`), with the Agent version each n8n line is tested with.
 */
import { FAL_CREDENTIAL_ID } from './emulator';
import type { Workflow, WorkflowNode } from './examples';
import type { LineKey } from './lines';
import { OPENAI_CREDENTIAL_ID } from './openai-stand-in';
import { manualTrigger, node } from './workflows';

/** n8n 1.123 with Agent 2.2 (langchain's AgentExecutor runs the tool in process); 2.41 with Agent 3.1 (the engine runs it). */
export const AGENT_VERSION: Record<LineKey, number> = { '1': 2.2, '2': 3.1 };

export const SAM3_TOOL_TYPE = 'n8n-nodes-sam3.sam3Tool';
export const SAM3_TOOL_NAME = 'SAM 3';

export const IMAGE_URL_ARGUMENT = "={{ $fromAI('imageUrl', 'Public http(s) URL of the photo to search', 'string') }}";
export const PROMPT_ARGUMENT = "={{ $fromAI('prompt', 'What to find: a short noun phrase such as product or red car', 'string') }}";

export function chatModelNode(): WorkflowNode {
	return node(
		'OpenAI Chat Model',
		'@n8n/n8n-nodes-langchain.lmChatOpenAi',
		// 1.2 speaks Chat Completions; 1.3 would call the Responses API unless it is turned off.
		1.2,
		{ model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
		{ credentials: { openAiApi: { id: OPENAI_CREDENTIAL_ID, name: 'OpenAI stand-in (test double)' } } },
	);
}

export function sam3ToolNode(parameters: Record<string, unknown> = {}): WorkflowNode {
	return node(
		SAM3_TOOL_NAME,
		SAM3_TOOL_TYPE,
		1,
		{
			authentication: 'falApi',
			operation: 'segment',
			imageSource: 'url',
			imageUrl: IMAGE_URL_ARGUMENT,
			prompt: PROMPT_ARGUMENT,
			// Scores and boxes are what a model reasons with; providers leave them out unless asked.
			modelOptions: { includeScores: true, includeBoxes: true },
			...parameters,
		},
		{ credentials: { falApi: { id: FAL_CREDENTIAL_ID, name: 'fal.ai account' } } },
	);
}

export function agentNode(line: LineKey, text: string, options: Record<string, unknown> = {}): WorkflowNode {
	return node('AI Agent', '@n8n/n8n-nodes-langchain.agent', AGENT_VERSION[line], { promptType: 'define', text, options });
}

export function agentWorkflow(id: string, line: LineKey, text: string, toolParameters: Record<string, unknown> = {}): Workflow {
	const trigger = manualTrigger();
	const agent = agentNode(line, text);
	const model = chatModelNode();
	const tool = sam3ToolNode(toolParameters);
	return {
		id,
		name: `e2e agent ${id}`,
		nodes: [trigger, agent, model, tool],
		connections: {
			[trigger.name]: { main: [[{ node: agent.name, type: 'main', index: 0 }]] },
			[model.name]: { ai_languageModel: [[{ node: agent.name, type: 'ai_languageModel', index: 0 }]] },
			[tool.name]: { ai_tool: [[{ node: agent.name, type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}
