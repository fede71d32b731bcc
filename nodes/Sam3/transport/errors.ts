/** Where in a job's life a call failed: decides whether it may be retried and how the error reads. */
export type JobStage = 'upload' | 'submit' | 'status' | 'result' | 'cancel' | 'download';

export interface ProviderErrorDetails {
	provider: string;
	stage: JobStage;
	httpCode?: number;
	/** fal's error_type / X-Fal-Error-Type, Runflow's error code or a run's failure_code. */
	errorType?: string;
	requestId?: string;
	/** The provider's own retry hint (X-Fal-Retryable), when it gave one. */
	retryableHint?: boolean;
	retryAfterMs?: number;
	/** A network error code such as ECONNRESET, when no HTTP answer came. */
	networkCode?: string;
	/** fal answered 504 with x-fal-request-timeout-type: user — the user's own start deadline. */
	userTimeout?: boolean;
	/** The request field the provider rejected (fal 422: the last element of `detail[].loc`). */
	field?: string;
	/** The job ended at the provider on its own (it failed there): there is nothing left to cancel. */
	jobEnded?: boolean;
	description?: string;
}

/** Error whose instances carry the details' fields, so they are declared once (in ProviderErrorDetails). */
const ErrorWithDetails = Error as unknown as new (message: string) => Error & ProviderErrorDetails;

/** A call to a provider, its storage or its CDN that failed. Never carries the API key. */
export class ProviderError extends ErrorWithDetails {
	constructor(message: string, details: ProviderErrorDetails) {
		super(message);
		this.name = 'ProviderError';
		Object.assign(this, details);
	}
}

/** A parameter of one item is not valid; found before any request for that item leaves. */
export class ItemInputError extends Error {
	constructor(
		message: string,
		readonly field: string,
		readonly description?: string,
	) {
		super(message);
		this.name = 'ItemInputError';
	}
}

/** The execution was stopped by the user while this item was running. */
export class ExecutionCancelledError extends Error {
	constructor(readonly requestId?: string) {
		super('The execution was cancelled');
		this.name = 'ExecutionCancelledError';
	}
}
