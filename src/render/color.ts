/** Colour only on a terminal, never with NO_COLOR (no-color.org), forced with FORCE_COLOR. */
export function useColor(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  if (env.TERM === 'dumb') return false
  return stream.isTTY === true
}
