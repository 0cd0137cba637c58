// The account page's "E-mail and data preferences" (GET/PATCH /v1/me/preferences): each switch is
// saved on change and shows the server's answer, so what is shown is what holds.
import { useState } from 'preact/hooks';
import { call, describe } from '../api';
import { AsyncView, Message, useLoad } from './async_view';

interface Preferences {
  rating_email: boolean;
  training_use: boolean;
}

const LABELS: Record<keyof Preferences, [string, string]> = {
  rating_email: ['E-mails asking me to rate recent results', 'Now and then, a short e-mail with a few of your requests to mark right or wrong.'],
  training_use: ['My requests may be used to train the models', 'Your images and their results may be included in training data sets.'],
};

export function PreferencesSection() {
  const loaded = useLoad(() => call<Preferences>('/v1/me/preferences'), []);
  const [saved, setSaved] = useState<Preferences>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const change = async (name: keyof Preferences, value: boolean) => {
    try {
      const answer = await call<Preferences>('/v1/me/preferences', { method: 'PATCH', body: { [name]: value } });
      setSaved(answer);
      setMessage({ kind: 'ok', text: 'Preferences saved.' });
    } catch (err) {
      setMessage({ kind: 'error', text: describe(err) });
    }
  };
  return (
    <>
      <h2>E-mail and data preferences</h2>
      <AsyncView state={loaded} label="your preferences">
        {(initial) => {
          const current = saved ?? initial;
          return (
            <fieldset class="preferences">
              <legend class="sr-only">E-mail and data preferences</legend>
              {(Object.keys(LABELS) as (keyof Preferences)[]).map((name) => (
                <div key={name}>
                  <label class="check">
                    <input type="checkbox" checked={current[name]} aria-describedby={`pref-${name}-hint`} onChange={(e) => change(name, e.currentTarget.checked)} />{' '}
                    {LABELS[name][0]}
                  </label>
                  <p id={`pref-${name}-hint`} class="hint">
                    {LABELS[name][1]}
                  </p>
                </div>
              ))}
            </fieldset>
          );
        }}
      </AsyncView>
      <Message kind={message?.kind ?? 'ok'} text={message?.text} />
    </>
  );
}
