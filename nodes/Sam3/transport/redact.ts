/**
 * A configured endpoint may carry user-info (`https://user:secret@gateway`): it is used for requests, but never
 * shown. Every URL the node outputs and every error message it raises goes through these.
 */
const USER_INFO = /\b([a-z][\w+.-]*:\/\/)[^\s/?#@]*@/gi;

export function withoutUserInfo(text: string): string {
	return text.replace(USER_INFO, '$1');
}

/** The same for an optional value (links, file URLs). */
export function withoutUserInfoIn<T>(value: T): T {
	return (typeof value === 'string' ? withoutUserInfo(value) : value) as T;
}
