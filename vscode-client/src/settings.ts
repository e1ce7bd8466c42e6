/**
 * The settings passed to the server as `initializationOptions.settings`
 * (and available to it through workspace/configuration, section `azuremlMigrate`).
 * No `vscode` import (unit-tested).
 */

export interface ServerSettings {
    select: string[];
    ignore: string[];
    unsafeFixes: boolean;
    /** Empty string = the server's default image. */
    defaultImage: string;
    /** Seconds per analysis, 0 for no limit; null = the server's default (10 s). */
    timeLimit: number | null;
}

function stringList(v: unknown): string[] {
    const items = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
    const out: string[] = [];
    for (const item of items) {
        if (typeof item === 'string') {
            const s = item.trim();
            if (s !== '' && !out.includes(s)) {
                out.push(s);
            }
        }
    }
    return out;
}

/** Normalises raw configuration values (wrong types fall back to the defaults). */
export function toServerSettings(get: (key: keyof ServerSettings) => unknown): ServerSettings {
    const unsafe = get('unsafeFixes');
    const image = get('defaultImage');
    const limit = get('timeLimit');
    return {
        select: stringList(get('select')),
        ignore: stringList(get('ignore')),
        unsafeFixes: unsafe === true,
        defaultImage: typeof image === 'string' ? image.trim() : '',
        timeLimit: typeof limit === 'number' && Number.isFinite(limit) && limit >= 0 ? limit : null,
    };
}
