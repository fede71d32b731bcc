/**
 * The node's versions: the shape of its saved parameters is a contract with every workflow saved with it. Version 2
 * (issue 30) folds the technical switches into one Options collection and the point and box prompts into one
 * field. A workflow saved with version 1 keeps version 1 and its panel, so it runs unchanged: n8n keeps only the
 * parameters a panel displays (NodeHelpers.getNodeParameters drops the rest when it loads a workflow), so the first
 * panel's fields stay, shown for version 1 alone (descriptions/panel-version.ts). The readers take either shape.
 */
export const NODE_VERSIONS = [1, 2];
export const CURRENT_VERSION = 2;

/** Whether a node of this version was saved with the first panel's parameter names. */
export const isFirstPanelVersion = (typeVersion: number): boolean => typeVersion < CURRENT_VERSION;
