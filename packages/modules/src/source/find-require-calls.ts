import type { CallExpression, Node } from 'acorn';

type Walkable = Node & Record<string, unknown>;

function isNode(value: unknown): value is Walkable {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Every call whose callee is the identifier `require`, wherever it sits. The walk is generic (each
 * property of each node that holds a node or an array of nodes), so no node type can be missed,
 * including ones a future acorn adds; it uses an explicit stack, so deeply nested code cannot
 * overflow the call stack. A local binding named `require` is not tracked: its calls are
 * reported too, as a bundler or webtask-runtime would.
 */
export function findRequireCalls(program: Node): CallExpression[] {
  const calls: CallExpression[] = [];
  const stack: Walkable[] = [program as Walkable];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isRequireCall(node)) calls.push(node);
    for (const key in node) {
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) stack.push(item);
      } else if (isNode(value)) {
        stack.push(value);
      }
    }
  }
  return calls;
}

function isRequireCall(node: Node): node is CallExpression {
  if (node.type !== 'CallExpression') return false;
  const callee = (node as CallExpression).callee;
  return callee.type === 'Identifier' && callee.name === 'require';
}
