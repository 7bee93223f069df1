/** distribution/reference grammar: path components of lower-case alphanumerics joined by separators. */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const NAME_PATTERN = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`)
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/
/** distribution refuses longer repository names with NAME_INVALID. */
const MAX_NAME_LENGTH = 255

export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME_PATTERN.test(name)
}

export function isTag(tag: string): boolean {
  return TAG_PATTERN.test(tag)
}
