// What the server's schema offers beyond today's API: the label-lifecycle
// mutations (amendLabel, retractLabel, releaseItem, promoteVersion,
// rollbackModel). The app asks the schema once (introspection is on)
// and shows a control only when the server can do it.
import { useEffect, useState } from 'react';
import { useClient, type Client } from 'urql';

export interface Capabilities {
  /** amendLabel: correct my last label (Previous / undo). */
  amendLabel: boolean;
  /** retractLabel: withdraw a label. */
  retractLabel: boolean;
  /** releaseItem: hand a claimed item back unlabeled (Next). */
  releaseItem: boolean;
  /** promoteVersion: activate a candidate version (admins). */
  promoteVersion: boolean;
  /** rollbackModel: reactivate an earlier version (admins). */
  rollbackModel: boolean;
}

export const NO_CAPABILITIES: Capabilities = {
  amendLabel: false,
  retractLabel: false,
  releaseItem: false,
  promoteVersion: false,
  rollbackModel: false,
};

export const CAPABILITIES = `query Capabilities {
  __schema { mutationType { fields { name } } }
}`;

interface Introspection {
  __schema: { mutationType: { fields: { name: string }[] } | null };
}

/** capabilitiesOf reads the capabilities from the introspection answer. */
export function capabilitiesOf(data: Introspection | undefined): Capabilities {
  if (!data) return NO_CAPABILITIES;
  const m = new Set((data.__schema.mutationType?.fields ?? []).map((f) => f.name));
  return {
    amendLabel: m.has('amendLabel'),
    retractLabel: m.has('retractLabel'),
    releaseItem: m.has('releaseItem'),
    promoteVersion: m.has('promoteVersion'),
    rollbackModel: m.has('rollbackModel'),
  };
}

const asked = new WeakMap<Client, Promise<Capabilities>>();

/** useCapabilities asks the schema once per client; until it answers, nothing extra is offered. */
export function useCapabilities(): Capabilities {
  const client = useClient();
  const [caps, setCaps] = useState(NO_CAPABILITIES);
  useEffect(() => {
    let live = true;
    let p = asked.get(client);
    if (!p) {
      p = client
        .query<Introspection>(CAPABILITIES, {})
        .toPromise()
        .then((r) => capabilitiesOf(r.data));
      asked.set(client, p);
    }
    p.then((c) => live && setCaps(c));
    return () => {
      live = false;
    };
  }, [client]);
  return caps;
}
