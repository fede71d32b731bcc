/** Up to `count` entries spread evenly over the list, first and last included: a few frames of a video for a model. */
export function spread<T>(list: T[], count: number): T[] {
	if (list.length <= count) return list;
	return Array.from({ length: count }, (_, index) => list[Math.round((index * (list.length - 1)) / (count - 1))]);
}
