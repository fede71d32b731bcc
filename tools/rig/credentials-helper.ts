import { Credentials, getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsExpressionResolveValues,
	type ICredentialType,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type INodeTypes,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

/** A credential the rig hands to the node: its type (class instance) and the data a user typed in. */
export interface RigCredential {
	type: ICredentialType;
	data: ICredentialDataDecryptedObject;
	/** Credential id and name as a workflow would reference them. Defaults: `rig-<type>` / `<type> account`. */
	id?: string;
	name?: string;
}

// Credentials without a workflow are resolved against a throw-away one, as n8n's CredentialsHelper does.
const mockNode: INode = { id: 'mock', name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} };
const mockNodeTypes: INodeTypes = {
	getKnownTypes: () => ({}),
	getByName: () => ({ description: { properties: [] } }) as never,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as never,
};

/**
 * The test double of n8n's cli CredentialsHelper (packages/cli/src/credentials-helper.ts, n8n 1.123.x):
 * stores credentials encrypted with n8n-core's `Credentials` (instance encryption key), decrypts them,
 * applies property defaults and expressions, and applies `authenticate` exactly like n8n:
 * generic properties are expression-resolved and a falsy result becomes `''` (it is still set).
 */
export class RigCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	private readonly stored = new Map<string, Credentials>();

	/** Registers a credential type and (optionally) stores one credential of it. Returns the node reference. */
	add(credential: RigCredential): INodeCredentialsDetails {
		const typeName = credential.type.name;
		this.types.set(typeName, credential.type);
		const details = { id: credential.id ?? `rig-${typeName}`, name: credential.name ?? `${typeName} account` };
		const encrypted = new Credentials(details, typeName);
		encrypted.setData(credential.data);
		this.stored.set(this.key(details.id, typeName), encrypted);
		return details;
	}

	getCredentialType(typeName: string): ICredentialType {
		const type = this.types.get(typeName);
		if (!type) throw new UnexpectedError(`Unknown credential type "${typeName}"`);
		return type;
	}

	registerType(type: ICredentialType): void {
		this.types.set(type.name, type);
	}

	getParentTypes(typeName: string): string[] {
		const parents = this.types.get(typeName)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.getCredentialType(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (typeof authenticate === 'object') {
			requestOptions.headers ??= {};
			if (authenticate.type === 'generic') {
				const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
						const keyResolved = this.resolveValue(key, credentials, workflow, node);
						target[outerKey] ??= {};
						target[outerKey][keyResolved] = this.resolveValue(value, credentials, workflow, node);
					}
				}
			}
		}
		return requestOptions;
	}

	/** n8n's resolveValue: expressions resolve with `$credentials`; a falsy result becomes ''. */
	private resolveValue(value: string, credentials: ICredentialDataDecryptedObject, workflow: Workflow, node: INode) {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? resolved.toString() : '';
	}

	// Only expirable (token-refreshing) credentials pre-authenticate; the rig's credentials do not.
	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const credentials = nodeCredentials.id ? this.stored.get(this.key(nodeCredentials.id, type)) : undefined;
		if (!credentials) throw new UnexpectedError(`Credential "${nodeCredentials.name}" of type "${type}" not found`);
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const data = (await this.getCredentials(nodeCredentials, type)).getData();
		if (raw === true) return data;
		return this.applyDefaultsAndExpressions(additionalData, data, type, mode, executeData, expressionResolveValues);
	}

	/** n8n's applyDefaultsAndOverwrites, without overwrites (none are configured in tests). */
	applyDefaultsAndExpressions(
		additionalData: IWorkflowExecuteAdditionalData,
		data: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		resolve?: ICredentialsExpressionResolveValues,
	): ICredentialDataDecryptedObject {
		const properties = this.getCredentialsProperties(type);
		const withDefaults = NodeHelpers.getNodeParameters(properties, data as INodeParameters, true, false, null, null) as INodeParameters;
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { secretsEnabled: false });
		if (resolve) {
			return resolve.workflow.expression.getParameterValue(
				withDefaults,
				resolve.runExecutionData,
				resolve.runIndex,
				resolve.itemIndex,
				resolve.node.name,
				resolve.connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				withDefaults,
			) as ICredentialDataDecryptedObject;
		}
		const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes: mockNodeTypes });
		return workflow.expression.getComplexParameterValue(
			mockNode,
			withDefaults,
			mode,
			additionalKeys,
			undefined,
			undefined,
			withDefaults,
		) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(): Promise<void> {
		throw new UnexpectedError('The rig does not update credentials');
	}

	async updateCredentialsOauthTokenData(): Promise<void> {
		throw new UnexpectedError('The rig does not update credentials');
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getCredentialType(type);
		if (!credentialType.extends) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	private key(id: string, type: string): string {
		return `${type}:${id}`;
	}
}
