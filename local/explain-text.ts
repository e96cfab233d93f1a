// The human reading of an explanation lives beside explain itself (the status page prints it too).
export { formatExplanation } from '../shared/pipeline/explain-text';
