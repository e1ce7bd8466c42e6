/**
 * Checks that a Python interpreter can import the server package:
 * `<python...> -c "import azureml_migrate"` with a timeout. No `vscode` import.
 */

import { execFile } from 'child_process';
import type { ProbeResult } from './serverCommand';

export const PROBE_TIMEOUT_MS = 15_000;

export function probeImport(
    argv: readonly string[],
    cwd: string | undefined,
    moduleName = 'azureml_migrate',
    timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
    return new Promise((resolve) => {
        if (argv.length === 0) {
            resolve({ ok: false, detail: 'no interpreter' });
            return;
        }
        const [command, ...prefix] = argv;
        execFile(
            command,
            [...prefix, '-c', `import ${moduleName}`],
            { cwd, timeout: timeoutMs, windowsHide: true, maxBuffer: 1024 * 1024 },
            (error, _stdout, stderr) => {
                if (!error) {
                    resolve({ ok: true });
                    return;
                }
                const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string };
                let detail: string;
                if (e.killed || e.signal === 'SIGTERM') {
                    detail = `timed out after ${timeoutMs} ms`;
                } else if (e.code === 'ENOENT') {
                    detail = `${command} does not exist`;
                } else {
                    const lastLine = String(stderr ?? '').trim().split(/\r?\n/).pop();
                    detail = lastLine || `exit code ${String(e.code)}`;
                }
                resolve({ ok: false, detail });
            },
        );
    });
}
