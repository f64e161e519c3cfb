import '../support/page-guard.js';
import { expect } from '@open-wc/testing';
import { removeVisitors, visitor } from '../support/visitors.js';
import { nextEvent, waitFor } from '../support/helpers.js';

afterEach(removeVisitors);

describe('<video-chat> room capacity', () => {
  it('turns a third visitor away from a room of max-peers="2": room-full, nobody connected, the pair undisturbed', async function () {
    this.timeout(30_000);
    const room = `capacity-${crypto.randomUUID()}`;
    const ada = visitor(room, 'Ada', { 'max-peers': '2' });
    const bob = visitor(room, 'Bob', { 'max-peers': '2' });
    const paired = Promise.all([nextEvent(ada, 'connected'), nextEvent(bob, 'connected')]);
    document.body.append(ada, bob);
    await paired;
    const disconnects: string[] = [];
    for (const el of [ada, bob]) el.addEventListener('disconnected', ({ detail }) => disconnects.push(`${el.name}: ${detail.name}`));

    const cy = visitor(room, 'Cy', { 'max-peers': '2' });
    const connects: string[] = [];
    cy.addEventListener('connected', ({ detail }) => connects.push(detail.name));
    const bubbled: string[] = [];
    const onDocument = (event: Event) => bubbled.push(event.type);
    document.addEventListener('error', onDocument);
    try {
      const refused = nextEvent(cy, 'error', 20_000);
      document.body.append(cy);
      const { detail } = await refused;
      expect(detail.code).to.equal('room-full');
      expect(detail.message).to.match(/full/i).and.to.include('2');
      await waitFor(() => cy.state === 'left', 'Cy back outside the room');
      await cy.updateComplete;
      expect(cy.shadowRoot!.querySelector('[part~="prejoin"]'), 'the pre-join view').to.exist;
      expect(cy.shadowRoot!.querySelector('.status')!.textContent, 'saying why').to.match(/full/i);
    } finally {
      document.removeEventListener('error', onDocument);
    }
    expect(bubbled, 'the error stays on the element').to.deep.equal([]);
    // The pair's call goes on; nobody met Cy.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(connects).to.deep.equal([]);
    expect(disconnects).to.deep.equal([]);
    expect(ada.peers.map((p) => p.name)).to.deep.equal(['Bob']);
    expect(bob.peers.map((p) => p.name)).to.deep.equal(['Ada']);
  });
});
