// A value that components re-render on: enough state management for a few pages.
import { useEffect, useState } from 'preact/hooks';

export class Signal<T> {
  private listeners = new Set<(value: T) => void>();
  constructor(private current: T) {}
  get value(): T {
    return this.current;
  }
  set value(next: T) {
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }
  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function signal<T>(value: T): Signal<T> {
  return new Signal(value);
}

export function useSignal<T>(source: Signal<T>): T {
  const [value, setValue] = useState(source.value);
  useEffect(() => {
    setValue(source.value);
    return source.subscribe(setValue);
  }, [source]);
  return value;
}
