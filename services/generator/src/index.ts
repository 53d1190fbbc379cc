export { generatorEnv, generatorEnvSchema } from "./config";
