import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { removeVisitors, visitor, joinAll } from '../support/visitors.js';
import { nextEvent, uniqueRoom, waitFor } from '../support/helpers.js';

afterEach(removeVisitors);

describe('<video-chat> clocks that disagree', () => {
  it('says so (clock-skew) on both sides instead of staying silent', async () => {
    const room = uniqueRoom('clock');
    const ada = visitor(room, 'Ada');
    await joinAll(ada);
    const atAda = nextEvent(ada, 'error', 20_000);
    // Cy's device is 15 minutes fast: its room channel takes that clock when it starts joining.
    const cy = visitor(room, 'Cy');
    const atCy = nextEvent(cy, 'error', 20_000);
    const realNow = Date.now;
    Date.now = () => realNow() + 15 * 60_000;
    try {
      document.body.append(cy);
      await waitFor(() => cy.state === 'joining' || cy.state === 'joined', 'Cy joining');
    } finally {
      Date.now = realNow;
    }
    const [adaError, cyError] = await Promise.all([atAda, atCy]);
    expect(adaError.detail).to.include({ code: 'clock-skew', reason: 'their-clock-ahead' });
    expect(adaError.detail.message).to.include('15 minutes ahead');
    expect(cyError.detail).to.include({ code: 'clock-skew', reason: 'their-clock-behind' });
    expect(ada.peers).to.deep.equal([]);
  });
});
