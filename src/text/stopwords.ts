/**
 * @module Common English function words that carry no topic (articles, pronouns, auxiliaries, prepositions,
 * conjunctions), for topic labels and content profiles. Negations are kept out of it on purpose: they matter
 * for sentiment.
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  ('a an and are as at be been being but by for from has have had i me my mine in is it its of on or that the this to ' +
    'was were will would with you your yours we us our they them their he him his she her hers if then than there ' +
    'these those what which who whom into over about after before just also can could do does did am so up out ' +
    'all any some more most very too here when where why how only own same such other again once should may might ' +
    'must shall while during through between under above below off each both few now ' +
    "i'm it's you're we're they're i've i'll i'd that's there's").split(' '),
);
