// A secret shown once: the value, a copy button, and the warning that it will not be shown again.
import { useState } from 'preact/hooks';

export function OnceSecret(props: { secret: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="secret" role="region" aria-label={props.label}>
      <p class="warning">
        <strong>Copy this key now.</strong> It is shown only once: faceloop stores just a hash of it.
      </p>
      <code data-testid="secret">{props.secret}</code>
      <button type="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy key'}
      </button>
    </div>
  );
}
