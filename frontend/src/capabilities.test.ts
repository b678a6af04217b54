import { NO_CAPABILITIES, capabilitiesOf } from './capabilities';

describe('capabilitiesOf', () => {
  it('offers nothing extra before the schema answers, or on today’s schema', () => {
    expect(capabilitiesOf(undefined)).toEqual(NO_CAPABILITIES);
    expect(capabilitiesOf({ __schema: { mutationType: { fields: [{ name: 'submitLabel' }] } } })).toEqual(NO_CAPABILITIES);
  });
  it('finds the label-lifecycle mutations', () => {
    const got = capabilitiesOf({
      __schema: { mutationType: { fields: [{ name: 'amendLabel' }, { name: 'retractLabel' }, { name: 'releaseItem' }, { name: 'promoteVersion' }, { name: 'rollbackModel' }] } },
    });
    expect(got).toEqual({ amendLabel: true, retractLabel: true, releaseItem: true, promoteVersion: true, rollbackModel: true });
  });
});
