// Which events an endpoint receives: exact types, a family (`product.*`) or everything (`*`).

export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))))
}
