import { DirectoryLoader, RoutingNode } from 'n8n-core';
import type { ExecuteContext } from 'n8n-core';
import {
	NodeHelpers,
	UnexpectedError,
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
		const versioned = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		if (shouldAssignExecuteMethod(versioned)) {
			versioned.execute = async function (this: ExecuteContext) {
				const routingNode = new RoutingNode(this, versioned);
				const data = await routingNode.runNode();
				return data ?? [];
			};
		}
		return versioned;
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
