/**
 * A small `which`: finds an executable on PATH. No `vscode` import (unit-tested).
 * Relative and empty PATH entries are skipped on purpose: they would resolve
 * against the current directory, which may be an untrusted workspace.
 */

import { promises as fs, constants as fsConstants } from 'fs';
import * as path from 'path';

export interface WhichOptions {
    /** Defaults to process.env.PATH (or Path on Windows). */
    pathEnv?: string;
    /** Windows executable extensions; defaults to process.env.PATHEXT or .COM;.EXE;.BAT;.CMD. */
    pathExt?: string;
    /** Defaults to process.platform. */
    platform?: NodeJS.Platform;
    /** Defaults to a check that the file exists, is a regular file and (on POSIX) is executable. */
    isExecutable?: (file: string) => Promise<boolean>;
}

export async function isExecutableFile(file: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
    try {
        const st = await fs.stat(file);
        if (!st.isFile()) {
            return false;
        }
        if (platform !== 'win32') {
            await fs.access(file, fsConstants.X_OK);
        }
        return true;
    } catch {
        return false;
    }
}

export async function which(name: string, opts: WhichOptions = {}): Promise<string | undefined> {
    const platform = opts.platform ?? process.platform;
    const p = platform === 'win32' ? path.win32 : path.posix;
    const check = opts.isExecutable ?? ((f: string) => isExecutableFile(f, platform));
    const pathEnv = opts.pathEnv ?? process.env.PATH ?? process.env.Path ?? '';
    const exts =
        platform === 'win32'
            ? (opts.pathExt ?? process.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD')
                  .split(';')
                  .filter((e) => e !== '')
                  .map((e) => e.toLowerCase())
            : [''];
    const hasExt = platform === 'win32' && p.extname(name) !== '';

    if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
        if (!p.isAbsolute(name)) {
            return undefined;
        }
        for (const ext of hasExt ? [''] : exts) {
            if (await check(name + ext)) {
                return name + ext;
            }
        }
        return undefined;
    }
    for (const dir of pathEnv.split(p.delimiter)) {
        const d = dir.replace(/^"(.*)"$/, '$1');
        if (d === '' || !p.isAbsolute(d)) {
            continue;
        }
        for (const ext of hasExt ? [''] : exts) {
            const candidate = p.join(d, name + ext);
            if (await check(candidate)) {
                return candidate;
            }
        }
    }
    return undefined;
}
