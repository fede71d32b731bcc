import { DirectoryLoader, RoutingNode } from 'n8n-core';
import type { ExecuteContext } from 'n8n-core';
import {
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	type INodeProperties,
	type IDataObject,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

/** A node class (instantiated fresh per registry, as n8n's loader does) or a ready instance. */
export type NodeDefinition = INodeType | IVersionedNodeType | (new () => INodeType | IVersionedNodeType);

const prepared = new WeakSet<object>();

function versionsOf(node: INodeType | IVersionedNodeType): INodeType[] {
	return 'nodeVersions' in node ? Object.values(node.nodeVersions) : [node];
}

/**
 * What n8n's DirectoryLoader does to every loaded node: adds the declarative `requestOptions`
 * collection (batching, proxy, timeout, SSL). Mutates the description, so it runs once per instance.
 */
function prepareLikeLoader(node: INodeType | IVersionedNodeType): void {
	if (prepared.has(node)) return;
	prepared.add(node);
	for (const version of versionsOf(node)) DirectoryLoader.applyDeclarativeNodeOptionParameters(version);
}

/** Copy of n8n's `shouldAssignExecuteMethod` (packages/cli/src/utils.ts, n8n 1.123.x). */
function shouldAssignExecuteMethod(nodeType: INodeType): boolean {
	const isDeclarativeNode = nodeType?.description?.requestDefaults !== undefined;
	return (
		!nodeType.execute &&
		!nodeType.poll &&
		!nodeType.trigger &&
		(!nodeType.webhook || isDeclarativeNode) &&
		(!nodeType.methods || isDeclarativeNode)
	);
}

/**
 * INodeTypes the way n8n's cli NodeTypes serves them: versioned lookup, and declarative nodes get an
 * `execute` that runs n8n-core's RoutingNode (so they run through `executeNode` with the cancel signal).
 */
export class RigNodeTypes implements INodeTypes {
	private readonly nodes = new Map<string, INodeType | IVersionedNodeType>();

	/** Registers a node under its full type name, `<package>.<description.name>`, as n8n names it. */
	register(definition: NodeDefinition, packageName: string): { typeName: string; latestVersion: number } {
		const node = typeof definition === 'function' ? new definition() : definition;
		prepareLikeLoader(node);
		const typeName = `${packageName}.${node.description.name}`;
		this.nodes.set(typeName, node);
		return { typeName, latestVersion: latestVersion(node) };
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const node = this.nodes.get(nodeType);
		if (!node) throw new UnexpectedError(`Unknown node type "${nodeType}"`);
		return node;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		// `<package>.<name>Tool` of a usableAsTool node: the node as an AI Agent's tool, built on request as n8n does.
		const toolOf = nodeType.endsWith('Tool') && !this.nodes.has(nodeType) ? nodeType.replace(/Tool$/, '') : undefined;
		const versioned = NodeHelpers.getVersionedNodeType(this.getByName(toolOf ?? nodeType), version);
		if (shouldAssignExecuteMethod(versioned)) {
			versioned.execute = async function (this: ExecuteContext) {
				const routingNode = new RoutingNode(this, versioned);
				const data = await routingNode.runNode();
				return data ?? [];
			};
		}
		if (!toolOf) return versioned;
		if (!versioned.description.usableAsTool) throw new UnexpectedError(`Node "${toolOf}" cannot be used as a tool`);
		return asAiTool(versioned);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.nodes.keys()].map((name) => [name, { className: name, sourcePath: '' }]));
	}
}

function latestVersion(definition: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in definition) return definition.currentVersion;
	const { version } = definition.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/**
 * What n8n does to a usableAsTool node served as `…Tool` (cli NodeTypes.getByNameAndVersion + convertNodeToAiTool,
 * the same in 1.123.50 and 2.41.1): a copy named `<name>Tool` with no inputs and an `ai_tool` output, and a Tool
 * Description choice ("Set Automatically" = the node's description, when the node has an operation), unless the
 * node has a `toolDescription` parameter of its own.
 */
function asAiTool(node: INodeType): INodeType {
	const { description } = node;
	const hasOperation = description.properties.some((property) => property.name === 'operation' || property.name === 'resource');
	const toolDescription: INodeProperties = {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: description.description,
		required: true,
		typeOptions: { rows: 2 },
		...(hasOperation && { displayOptions: { show: { descriptionType: ['manual'] } } }),
	};
	const descriptionType: INodeProperties = {
		displayName: 'Tool Description',
		name: 'descriptionType',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Set Automatically', value: 'auto' },
			{ name: 'Set Manually', value: 'manual' },
		],
		default: 'auto',
	};
	// n8n adds its Description only to a node without one of its own (a node's own is what the model reads).
	const ownDescription = description.properties.some((property) => property.name === 'toolDescription');
	const added = ownDescription ? [] : [...(hasOperation ? [descriptionType] : []), toolDescription];
	const tool: INodeType = Object.create(node, {
		description: {
			value: {
				...description,
				name: `${description.name}Tool`,
				displayName: `${description.displayName} Tool`,
				inputs: [],
				outputs: [NodeConnectionTypes.AiTool],
				usableAsTool: undefined,
				properties: [...added, ...description.properties],
			},
		},
	});
	return tool;
}
