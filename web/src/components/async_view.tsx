// Loading and error states for every data view: one hook, one component.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describe } from '../api';

export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error: describe(error), loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function AsyncView<T>(props: { state: Loaded<T>; label: string; children: (data: T) => ComponentChildren }) {
  const { state } = props;
  if (state.error) {
    return (
      <div class="error" role="alert">
        <p>Could not load {props.label}: {state.error}</p>
        <button type="button" onClick={state.reload}>
          Retry
        </button>
      </div>
    );
  }
  if (state.loading && state.data === undefined) {
    return (
      <p class="loading" role="status" aria-live="polite">
        Loading {props.label}…
      </p>
    );
  }
  return <>{state.data !== undefined && props.children(state.data)}</>;
}

export function Message(props: { kind: 'error' | 'ok' | 'info'; text?: string }) {
  if (!props.text) return null;
  return (
    <p class={`message ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.text}
    </p>
  );
}
