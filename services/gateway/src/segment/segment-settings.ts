/**
 * What analytics.js loads from `<cdnURL>/v1/projects/<writeKey>/settings` before it sends anything:
 * only the Segment.io destination, pointed back at this gateway, with no device-mode integrations.
 */
export function segmentSettings(writeKey: string, apiHost: string, protocol: string) {
  return {
    integrations: {
      "Segment.io": {
        apiKey: writeKey,
        apiHost,
        protocol,
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}
