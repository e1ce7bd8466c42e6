/**
 * Optional use of the Python extension (ms-python.python): its active interpreter
 * and its change event. The extension is not a dependency; everything here copes
 * with it being absent, disabled or failing.
 */

import * as vscode from 'vscode';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The parts of the Python extension API (`@vscode/python-extension`) used here. */
interface PythonExtensionApi {
    ready?: Promise<void>;
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string } | undefined;
        resolveEnvironment?(
            env: { id: string; path: string } | string,
        ): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
        onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
    };
    settings?: {
        getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
        onDidChangeExecutionDetails?: vscode.Event<unknown>;
    };
}

const ACTIVATE_TIMEOUT_MS = 20_000;

function withTimeout<T>(p: Thenable<T>, ms: number): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(undefined), ms);
        p.then(
            (v) => {
                clearTimeout(timer);
                resolve(v);
            },
            (e) => {
                clearTimeout(timer);
                reject(e);
            },
        );
    });
}

export function isPythonExtensionInstalled(): boolean {
    return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

async function getApi(): Promise<PythonExtensionApi | undefined> {
    const ext = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
    if (!ext) {
        return undefined;
    }
    const api = ext.isActive ? ext.exports : await withTimeout(ext.activate(), ACTIVATE_TIMEOUT_MS);
    if (api?.ready) {
        await withTimeout(api.ready, ACTIVATE_TIMEOUT_MS);
    }
    return api;
}

/**
 * The active interpreter for `resource` as an argv prefix (usually one element),
 * or undefined. Prefers the environments API, falls back to getExecutionDetails.
 */
export async function activeInterpreter(resource: vscode.Uri | undefined): Promise<string[] | undefined> {
    const api = await getApi();
    if (!api) {
        return undefined;
    }
    const envs = api.environments;
    if (envs?.getActiveEnvironmentPath) {
        const envPath = envs.getActiveEnvironmentPath(resource);
        if (envPath) {
            if (envs.resolveEnvironment) {
                const resolved = await envs.resolveEnvironment(envPath);
                const exe = resolved?.executable?.uri?.fsPath;
                if (exe) {
                    return [exe];
                }
            }
            if (envPath.path) {
                return [envPath.path];
            }
        }
    }
    const details = api.settings?.getExecutionDetails?.(resource);
    if (details?.execCommand && details.execCommand.length > 0) {
        return details.execCommand;
    }
    return undefined;
}

/**
 * Calls `listener` when the Python extension's active interpreter changes
 * (activates the Python extension if it is installed but not active yet).
 */
export async function onDidChangeActiveInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
    try {
        const api = await getApi();
        const event = api?.environments?.onDidChangeActiveEnvironmentPath ?? api?.settings?.onDidChangeExecutionDetails;
        return event ? event(() => listener()) : undefined;
    } catch {
        return undefined;
    }
}
