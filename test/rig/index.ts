import './engine-setup';
export { runNode, startNode } from './run-node';
export type { RigInputItem, RunNodeOptions, RunNodeResult, RunningNode } from './run-node';
export type { RigCredential } from './credentials-helper';
export type { NodeDefinition } from './node-types';
export type { BinaryMode, RigBinaryInput } from './binary-data';
export type { RigExecutionError } from './errors';
export { testCredential } from './credential-test';
