/** The YAML subset reader ships in src (the --pull-secret reader uses it); action.yml's tests read it from there. */
export {parseYaml, YamlError, type YamlValue} from '../../src/credentials/mini-yaml.js'
