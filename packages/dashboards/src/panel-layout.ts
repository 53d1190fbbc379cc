/** Grafana's grid: 24 columns; panels two to a row, in the order given. */
export function gridPosition(index: number, height = 9) {
  return { h: height, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * height };
}

/** The data sources the provisioning file (infra/grafana/provisioning/datasources) creates, by uid. */
export const dataSources = {
  clickhouse: { type: "grafana-clickhouse-datasource", uid: "cx-clickhouse" },
  prometheus: { type: "prometheus", uid: "cx-prometheus" },
} as const;
