/** Reloads the registry when YAML files change under the watched directories (debounced). */
import { watch, type FSWatcher } from 'node:fs';
import type { MappingRegistry, RegistryLog } from './mapping-registry.ts';

export interface MappingWatcherDeps {
  readonly dirs: readonly string[];
  readonly registry: Pick<MappingRegistry, 'reload'>;
  readonly debounceMs?: number | undefined;
  readonly log?: RegistryLog | undefined;
}

export interface MappingWatcher {
  close(): void;
}

export function watchMappings(deps: MappingWatcherDeps): MappingWatcher {
  let timer: NodeJS.Timeout | undefined;
  const debounce = deps.debounceMs ?? 250;
  const trigger = (file: string | null) => {
    if (file && !/\.ya?ml$/.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      void deps.registry.reload();
    }, debounce);
  };
  const watchers: FSWatcher[] = deps.dirs.map((dir) => {
    const w = watch(dir, { recursive: true }, (_event, file) => trigger(file));
    w.on('error', (e) => deps.log?.warn({ dir, err: e.message }, 'mapping watcher error'));
    return w;
  });
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
