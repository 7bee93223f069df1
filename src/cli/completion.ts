import {sortByFlow} from './command-order.js'

/** What completion needs of a command: the fields oclif keeps in its manifest, so no command file is imported. */
export interface CompletionCommand {
  id: string
  summary?: string
  description?: string
  hidden?: boolean
  args?: Record<string, {name: string; description?: string}>
  flags?: Record<string, CompletionFlag>
}

export interface CompletionFlag {
  name: string
  char?: string
  type: 'boolean' | 'option'
  description?: string
  summary?: string
  helpValue?: string | string[]
  options?: readonly string[]
  multiple?: boolean
  allowNo?: boolean
  hidden?: boolean
}

export const SHELLS = ['bash', 'zsh'] as const
export type Shell = (typeof SHELLS)[number]

/** How a flag's value is completed: a fixed list, a file, a folder, or nothing (free text). */
type ValueKind = {kind: 'options'; values: readonly string[]} | {kind: 'file'} | {kind: 'dir'} | {kind: 'text'}

function valueKind(f: CompletionFlag): ValueKind {
  if (f.options?.length) return {kind: 'options', values: f.options}
  const hv = Array.isArray(f.helpValue) ? f.helpValue.join(' ') : (f.helpValue ?? '')
  if (/\bFILE\b/.test(hv)) return {kind: 'file'}
  if (/\bDIR\b/.test(hv)) return {kind: 'dir'}
  return {kind: 'text'}
}

function visible(commands: readonly CompletionCommand[]): CompletionCommand[] {
  return sortByFlow(commands.filter((c) => !c.hidden))
}

function visibleFlags(c: CompletionCommand): CompletionFlag[] {
  return Object.values(c.flags ?? {}).filter((f) => !f.hidden)
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0].trim()
}

// Command ids and flag names come from our own code, but a quote in one would break out of the generated script:
// refuse rather than emit a script that does something else.
const SAFE_WORD = /^[A-Za-z0-9][A-Za-z0-9:._-]*$/
function word(s: string): string {
  if (!SAFE_WORD.test(s)) throw new Error(`completion: refusing to put "${s}" in a shell script`)
  return s
}

function bashWords(c: CompletionCommand): string {
  const words: string[] = []
  for (const f of visibleFlags(c)) {
    words.push(`--${word(f.name)}`)
    if (f.allowNo) words.push(`--no-${word(f.name)}`)
    if (f.char) words.push(`-${word(f.char)}`)
  }
  words.push('--help')
  return words.join(' ')
}

export function bashScript(bin: string, commands: readonly CompletionCommand[]): string {
  const cmds = visible(commands)
  const valueCases: string[] = []
  for (const c of cmds) {
    for (const f of visibleFlags(c)) {
      if (f.type !== 'option') continue
      const v = valueKind(f)
      const names = [`${word(c.id)}:--${word(f.name)}`, ...(f.char ? [`${c.id}:-${word(f.char)}`] : [])].join('|')
      const reply =
        v.kind === 'options'
          ? `COMPREPLY=($(compgen -W "${v.values.map(word).join(' ')}" -- "$cur"))`
          : v.kind === 'file'
            ? `COMPREPLY=($(compgen -f -- "$cur"))`
            : v.kind === 'dir'
              ? `COMPREPLY=($(compgen -d -- "$cur"))`
              : 'COMPREPLY=()'
      valueCases.push(`    ${names}) ${reply}; return ;;`)
    }
  }
  const fn = `_${word(bin).replace(/[^A-Za-z0-9_]/g, '_')}_complete`
  return `# ${bin} completion for bash. Load it in ~/.bashrc:  eval "$(${bin} completion bash)"
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${cmds.map((c) => word(c.id)).join(' ')} --help --version" -- "$cur"))
    return
  fi
  local cmd=\${COMP_WORDS[1]}
  case "$cmd:$prev" in
${valueCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    case "$cmd" in
${cmds.map((c) => `      ${word(c.id)}) COMPREPLY=($(compgen -W "${bashWords(c)}" -- "$cur")) ;;`).join('\n')}
    esac
  fi
}
complete -o default -F ${fn} ${word(bin)}
`
}

/** Text inside single quotes in a zsh script. */
function zshQuoted(s: string): string {
  return s.replace(/'/g, `'\\''`)
}
/** An _arguments option description, inside [...]: brackets and backslashes would end or bend it. */
function zshBracket(s: string): string {
  return zshQuoted(s.replace(/\\/g, '\\\\').replace(/\[/g, '\\[').replace(/\]/g, '\\]'))
}
/** A field of an _arguments spec or _describe entry: fields are separated by colons. */
function zshText(s: string): string {
  return zshQuoted(s.replace(/\\/g, '\\\\').replace(/:/g, '\\:'))
}

function zshFlagSpecs(f: CompletionFlag): string[] {
  const desc = zshBracket(firstLine(f.summary ?? f.description))
  const v = valueKind(f)
  const action =
    f.type === 'boolean'
      ? ''
      : `:${zshText(Array.isArray(f.helpValue) ? f.helpValue.join('|') : (f.helpValue ?? f.name))}:${
          v.kind === 'options' ? `(${v.values.map(word).join(' ')})` : v.kind === 'file' ? '_files' : v.kind === 'dir' ? '_files -/' : ' '
        }`
  const long = `--${word(f.name)}${f.type === 'option' ? '=' : ''}`
  const repeat = f.multiple ? '*' : ''
  const specs: string[] = []
  if (f.char) {
    const excl = f.multiple ? '' : `(-${word(f.char)} --${f.name})`
    specs.push(`'${excl}${repeat}'{-${f.char},${long}}'[${desc}]${action}'`)
  } else {
    specs.push(`'${repeat}${long}[${desc}]${action}'`)
  }
  if (f.allowNo) specs.push(`'--no-${f.name}[Turn --${f.name} off]'`)
  return specs
}

export function zshScript(bin: string, commands: readonly CompletionCommand[]): string {
  const cmds = visible(commands)
  const fn = `_${word(bin).replace(/[^A-Za-z0-9_]/g, '_')}`
  const described = cmds.map((c) => `    '${word(c.id)}:${zshQuoted(firstLine(c.summary ?? c.description))}'`)
  const cases = cmds.map((c) => {
    const args = Object.values(c.args ?? {}).map((a, i) => `'${i + 1}:${zshText(firstLine(a.description) || a.name)}: '`)
    const specs = [...visibleFlags(c).flatMap(zshFlagSpecs), `'--help[Show help]'`, ...args]
    return `    ${word(c.id)})\n      _arguments -s \\\n        ${specs.join(' \\\n        ')}\n      ;;`
  })
  return `#compdef ${bin}
# ${bin} completion for zsh. Load it in ~/.zshrc (after compinit):  eval "$(${bin} completion zsh)"
# or save it as _${bin} in a folder of $fpath.
${fn}() {
  local -a commands
  commands=(
${described.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands '${bin} command' commands
    return
  fi
  local cmd=\${words[2]}
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases.join('\n')}
  esac
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${bin}
fi
`
}

export function completionScript(shell: Shell, bin: string, commands: readonly CompletionCommand[]): string {
  return shell === 'bash' ? bashScript(bin, commands) : zshScript(bin, commands)
}
