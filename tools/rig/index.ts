/**
 * Real-engine rig: runs a node through n8n-core's WorkflowExecute (n8n-core 1.122 / n8n-workflow 1.120,
 * what n8n 1.123.x ships), with node types prepared as n8n's loader and NodeTypes do, credentials
 * applied like n8n's CredentialsHelper, and n8n's BinaryDataService in memory or filesystem mode.
 *
 *   const result = await runNode({
 *     node: MyNode,                                   // class or instance
 *     parameters: { operation: 'get', requestOptions: { timeout: 5000 } },
 *     credentials: [{ type: new MyApi(), data: { apiKey: 'k' } }],
 *     items: [{ json: { a: 1 }, binary: { data: { data: buffer, mimeType: 'image/png', fileName: 'x.png' } } }],
 *     binaryMode: 'filesystem',                       // or 'default' (in memory)
 *     continueOnFail: true,                           // or onError: 'continueErrorOutput'
 *   });
 *   result.items / result.outputs / result.errorItems / result.error / result.status
 *   await result.readBinary(result.items[0], 'mask_0');
 *
 *   const running = startNode({ ... }); running.cancel(); await running.result;   // or cancelAfterMs / signal
 *   await testCredential(new MyApi(), { apiKey: 'k' });  // { status: 'OK' | 'Error', message }
 *   await runAsAgentTool({ node, packageName, parameters, credentials, calls: [{ …$fromAI args }] });
 *     // the node as `<package>.<name>Tool` behind a stand-in agent: the tool offered, the string each call returns
 */
import './engine-setup';

export { runNode, startNode } from './run-node';
export type { RigInputItem, RunNodeOptions, RunNodeResult, RunningNode } from './run-node';
export type { RigCredential } from './credentials-helper';
export type { NodeDefinition } from './node-types';
export type { BinaryMode, RigBinaryInput } from './binary-data';
export type { RigExecutionError } from './errors';
export { testCredential } from './credential-test';
export { runAsAgentTool } from './agent-tool';
export type { AgentToolRun, AgentToolRunOptions } from './agent-tool';
