export { commaSeparatedList, positiveInt } from "./fields";
export { ConfigError, loadConfig } from "./load-config";
