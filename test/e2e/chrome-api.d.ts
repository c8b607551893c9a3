/** The part of Chrome's extension API that end-to-end tests evaluate in the service worker. */
declare const chrome: {
  storage: Record<
    'session' | 'local',
    {
      get(keys: string | null): Promise<Record<string, unknown> & { auth?: Record<string, unknown> }>;
      set(items: object): Promise<void>;
      clear(): Promise<void>;
      onChanged: { addListener(listener: () => void): void; removeListener(listener: () => void): void };
    }
  >;
  scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
  tabs: { query(filter: object): Promise<{ id?: number; url?: string }[]> };
  alarms: {
    get(name: string): Promise<{ name: string; scheduledTime: number } | undefined>;
    create(name: string, info: { when: number }): Promise<void>;
  };
};
