export declare const buildManifestName: string;
export declare function freshBuildEntry(outdir: string): string | undefined;
