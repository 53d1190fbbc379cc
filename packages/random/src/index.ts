export { beta, exponential, gamma, normal, type Uniform } from "./distributions";
export { pick, seededRandom } from "./seeded";
