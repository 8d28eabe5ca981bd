/**
 * @module The words of the synthetic social network: per-topic vocabularies, hashtags and emoji, a shared
 * background vocabulary, and the sentiment lexicon (with negations) that posts are written from.
 *
 * The lists are data, not code: topic words do not overlap between topics, and no sentiment word appears in a
 * topic or background list, so a topic or sentiment model trained on generated text can be checked against
 * the planted answer. A test asserts these properties.
 */

export interface TopicVocabulary {
  /** Short lowercase name, e.g. `cooking`. */
  readonly name: string;
  /** About 40 content words that signal the topic. */
  readonly words: readonly string[];
  /** 3–5 hashtags without the `#`. */
  readonly hashtags: readonly string[];
  /** A few emoji used with the topic. */
  readonly emoji: readonly string[];
}

export const TOPICS: readonly TopicVocabulary[] = [
  {
    name: 'sports',
    words: ['match', 'goal', 'team', 'coach', 'season', 'league', 'score', 'striker', 'defense', 'playoffs',
      'stadium', 'referee', 'penalty', 'champions', 'tournament', 'fans', 'captain', 'transfer', 'midfield', 'keeper',
      'derby', 'kickoff', 'halftime', 'overtime', 'trophy', 'final', 'semifinal', 'injury', 'lineup', 'rookie',
      'dunk', 'pitcher', 'inning', 'touchdown', 'quarterback', 'racket', 'serve', 'medal', 'sprint', 'relay'],
    hashtags: ['football', 'matchday', 'nba', 'worldcup'],
    emoji: ['⚽', '🏀', '🏆'],
  },
  {
    name: 'music',
    words: ['album', 'song', 'band', 'guitar', 'concert', 'playlist', 'lyrics', 'chorus', 'drummer', 'vinyl',
      'melody', 'singer', 'tour', 'festival', 'remix', 'bass', 'piano', 'studio', 'track', 'single',
      'rapper', 'verse', 'beat', 'encore', 'gig', 'setlist', 'acoustic', 'synth', 'jazz', 'orchestra',
      'violin', 'headliner', 'debut', 'ballad', 'riff', 'tempo', 'harmony', 'producer', 'mixtape', 'soundcheck'],
    hashtags: ['newmusic', 'nowplaying', 'livemusic', 'vinyl'],
    emoji: ['🎵', '🎸', '🎧'],
  },
  {
    name: 'cooking',
    words: ['recipe', 'oven', 'garlic', 'pasta', 'dough', 'sauce', 'bake', 'flour', 'butter', 'onion',
      'simmer', 'skillet', 'roast', 'spices', 'basil', 'tomato', 'broth', 'bread', 'dinner', 'kitchen',
      'chef', 'marinade', 'noodles', 'curry', 'pastry', 'dessert', 'ginger', 'lemon', 'salad', 'grill',
      'soup', 'sourdough', 'cinnamon', 'knife', 'stew', 'chili', 'dumplings', 'cookies', 'brunch', 'ingredients'],
    hashtags: ['foodie', 'homecooking', 'recipeoftheday', 'baking'],
    emoji: ['🍝', '🍳', '🥘'],
  },
  {
    name: 'tech',
    words: ['software', 'laptop', 'startup', 'code', 'developer', 'app', 'cloud', 'server', 'database', 'release',
      'bug', 'api', 'framework', 'compiler', 'smartphone', 'chip', 'processor', 'update', 'browser', 'linux',
      'javascript', 'python', 'deploy', 'open-source', 'keyboard', 'gadget', 'algorithm', 'robot', 'network', 'cybersecurity',
      'encryption', 'firmware', 'battery', 'devops', 'kubernetes', 'backend', 'frontend', 'repository', 'terminal', 'benchmark'],
    hashtags: ['tech', 'coding', 'opensource', 'devlife', 'ai'],
    emoji: ['💻', '📱', '🤖'],
  },
  {
    name: 'travel',
    words: ['flight', 'airport', 'passport', 'hotel', 'beach', 'island', 'backpack', 'itinerary', 'sunset', 'mountains',
      'hostel', 'roadtrip', 'luggage', 'museum', 'village', 'coast', 'ferry', 'train', 'destination', 'journey',
      'map', 'tourists', 'vacation', 'cruise', 'canyon', 'hiking', 'temple', 'harbor', 'visa', 'souvenir',
      'layover', 'boarding', 'suitcase', 'countryside', 'lagoon', 'glacier', 'campsite', 'abroad', 'postcard', 'wanderlust'],
    hashtags: ['travel', 'wanderlust', 'travelgram'],
    emoji: ['✈️', '🌍', '🏝️'],
  },
  {
    name: 'gaming',
    words: ['console', 'controller', 'level', 'boss', 'quest', 'multiplayer', 'speedrun', 'loot', 'respawn', 'stream',
      'esports', 'patch', 'dungeon', 'raid', 'shooter', 'rpg', 'indie', 'pixel', 'arcade', 'headset',
      'lobby', 'ranked', 'clan', 'sandbox', 'checkpoint', 'gamepad', 'leaderboard', 'achievement', 'dlc', 'npc',
      'crafting', 'sniper', 'platformer', 'roguelike', 'emulator', 'cartridge', 'twitch', 'savegame', 'coop', 'open-world'],
    hashtags: ['gaming', 'gamer', 'esports', 'indiegame'],
    emoji: ['🎮', '🕹️', '👾'],
  },
  {
    name: 'politics',
    words: ['election', 'vote', 'senate', 'parliament', 'policy', 'campaign', 'minister', 'debate', 'ballot', 'governor',
      'congress', 'candidate', 'poll', 'reform', 'budget', 'tax', 'law', 'court', 'president', 'protest',
      'mayor', 'coalition', 'opposition', 'legislation', 'referendum', 'diplomacy', 'treaty', 'sanctions', 'constituency', 'bill',
      'lobbying', 'veto', 'cabinet', 'manifesto', 'inflation', 'healthcare', 'immigration', 'pension', 'turnout', 'incumbent'],
    hashtags: ['politics', 'election', 'vote', 'policy'],
    emoji: ['🗳️', '🏛️', '📢'],
  },
  {
    name: 'movies',
    words: ['film', 'movie', 'director', 'actor', 'actress', 'cinema', 'trailer', 'sequel', 'screenplay', 'premiere',
      'oscar', 'cast', 'plot', 'scene', 'villain', 'hero', 'documentary', 'animation', 'thriller', 'comedy',
      'horror', 'franchise', 'remake', 'box-office', 'cinematography', 'soundtrack', 'screening', 'popcorn', 'series', 'episode',
      'netflix', 'binge', 'finale', 'spoiler', 'blockbuster', 'indie-film', 'subtitles', 'costume', 'stuntman', 'credits'],
    hashtags: ['movies', 'filmtwitter', 'cinema', 'bingewatch'],
    emoji: ['🎬', '🍿', '🎥'],
  },
  {
    name: 'fitness',
    words: ['workout', 'gym', 'squat', 'deadlift', 'cardio', 'protein', 'reps', 'sets', 'treadmill', 'yoga',
      'stretching', 'marathon', 'running', 'cycling', 'muscles', 'dumbbell', 'kettlebell', 'pushups', 'plank', 'abs',
      'calories', 'training', 'trainer', 'endurance', 'mobility', 'pilates', 'crossfit', 'bench-press', 'rowing', 'jogging',
      'hydration', 'recovery', 'warmup', 'stamina', 'barbell', 'lunges', 'burpees', 'steps', 'pace', 'physique'],
    hashtags: ['fitness', 'gymlife', 'workout', 'fitfam'],
    emoji: ['💪', '🏋️', '🏃'],
  },
  {
    name: 'science',
    words: ['research', 'experiment', 'physics', 'chemistry', 'biology', 'telescope', 'galaxy', 'planet', 'molecule', 'genome',
      'laboratory', 'hypothesis', 'theory', 'quantum', 'particle', 'vaccine', 'climate', 'fossil', 'evolution', 'neuroscience',
      'astronomy', 'microscope', 'data', 'journal', 'study', 'researchers', 'atoms', 'protein-folding', 'ecology', 'species',
      'asteroid', 'rover', 'satellite', 'enzyme', 'cells', 'peer-review', 'equation', 'spectrum', 'volcano', 'orbit'],
    hashtags: ['science', 'space', 'research', 'stem'],
    emoji: ['🔬', '🧪', '🔭'],
  },
  {
    name: 'fashion',
    words: ['outfit', 'dress', 'style', 'sneakers', 'jacket', 'designer', 'runway', 'denim', 'boots', 'collection',
      'vintage', 'streetwear', 'accessories', 'handbag', 'tailoring', 'fabric', 'silk', 'wardrobe', 'trend', 'makeup',
      'lipstick', 'jewelry', 'earrings', 'scarf', 'hoodie', 'blazer', 'model', 'catwalk', 'couture', 'thrift',
      'skincare', 'perfume', 'sunglasses', 'heels', 'lookbook', 'knitwear', 'minimalist', 'palette', 'tote', 'stylist'],
    hashtags: ['fashion', 'ootd', 'style', 'streetstyle'],
    emoji: ['👗', '👠', '🕶️'],
  },
  {
    name: 'pets',
    words: ['dog', 'cat', 'puppy', 'kitten', 'leash', 'vet', 'paws', 'fur', 'treats', 'adoption',
      'shelter', 'walkies', 'collar', 'litter', 'tail', 'bark', 'purr', 'hamster', 'rabbit', 'parrot',
      'aquarium', 'grooming', 'fetch', 'kennel', 'whiskers', 'catnip', 'breed', 'rescue', 'labrador', 'terrier',
      'goldfish', 'tortoise', 'squeaky', 'chew', 'cuddles', 'belly-rubs', 'zoomies', 'doggo', 'meow', 'pawprint'],
    hashtags: ['dogsofinstagram', 'catsoftwitter', 'adoptdontshop', 'pets'],
    emoji: ['🐶', '🐱', '🐾'],
  },
];

/** Function and filler words shared by every topic: the background of each post. */
export const BACKGROUND_WORDS: readonly string[] = [
  'the', 'a', 'and', 'to', 'of', 'in', 'is', 'it', 'this', 'that', 'for', 'on', 'with', 'my', 'i', 'so', 'just',
  'was', 'at', 'we', 'you', 'all', 'but', 'about', 'today', 'tonight', 'again', 'really', 'new', 'some', 'what',
  'when', 'one', 'more', 'time', 'after', 'now', 'week', 'first', 'still', 'finally', 'anyone', 'else', 'think',
  'got', 'have', 'our', 'from', 'out', 'here', 'there', 'up', 'any', 'thoughts', 'last', 'next', 'weekend',
];

/** Sentiment of a post: −1 negative, 0 neutral, +1 positive. */
export type SentimentLabel = -1 | 0 | 1;

export const SENTIMENT_NAMES: Readonly<Record<SentimentLabel, 'neg' | 'neu' | 'pos'>> = { [-1]: 'neg', 0: 'neu', 1: 'pos' };

/** Sentiment expressions. A negated phrase flips polarity: "not bad" is positive, "not good" negative. */
export const SENTIMENT_WORDS = {
  positive: ['love', 'great', 'amazing', 'awesome', 'excellent', 'fantastic', 'wonderful', 'happy', 'best', 'beautiful',
    'brilliant', 'perfect', 'enjoyed', 'incredible', 'fun', 'lovely', 'good'],
  negative: ['hate', 'awful', 'terrible', 'worst', 'boring', 'bad', 'horrible', 'disappointing', 'annoying', 'sad',
    'ugly', 'useless', 'broken', 'angry', 'disgusting', 'overrated', 'mediocre'],
  /** Negated phrases that read negative. */
  negatedPositive: ['not good', 'not great', 'not fun', 'not happy', 'not worth it', 'never enjoyed'],
  /** Negated phrases that read positive. */
  negatedNegative: ['not bad', 'not terrible', 'not boring', 'never disappointing', 'not overrated'],
  /** Emoji that carry sentiment. */
  positiveEmoji: ['😍', '😀', '❤️', '🔥', '👏'],
  negativeEmoji: ['😡', '😞', '👎', '😒', '💔'],
} as const;
