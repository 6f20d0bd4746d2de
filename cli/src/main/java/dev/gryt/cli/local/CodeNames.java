package dev.gryt.cli.local;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Memorable evolution names such as {@code smooth-summer-horizon}: adjective, season or time,
 * landscape noun. About 64,000 combinations; callers retry on the rare collision.
 */
public final class CodeNames {
  static final List<String> ADJECTIVES =
      List.of(
          "smooth",
          "quiet",
          "bright",
          "swift",
          "gentle",
          "bold",
          "calm",
          "clever",
          "daring",
          "eager",
          "fancy",
          "golden",
          "happy",
          "lively",
          "lucky",
          "mellow",
          "nimble",
          "proud",
          "rapid",
          "silent",
          "steady",
          "sunny",
          "tidy",
          "vivid",
          "warm",
          "wise",
          "young",
          "zesty",
          "amber",
          "crisp",
          "brave",
          "keen",
          "noble",
          "polished",
          "rustic",
          "silver",
          "solid",
          "spry",
          "stellar",
          "tranquil");
  static final List<String> TIMES =
      List.of(
          "summer",
          "winter",
          "autumn",
          "spring",
          "morning",
          "evening",
          "midnight",
          "dawn",
          "dusk",
          "noon",
          "harvest",
          "solstice",
          "equinox",
          "twilight",
          "sunrise",
          "sunset",
          "monsoon",
          "frost",
          "thaw",
          "starlight",
          "moonlit",
          "rainy",
          "misty",
          "windy",
          "stormy",
          "breezy",
          "cloudy",
          "snowy",
          "sunlit",
          "cosmic",
          "lunar",
          "solar",
          "tidal",
          "arctic",
          "tropic",
          "polar",
          "coastal",
          "alpine",
          "desert",
          "meadow");
  static final List<String> PLACES =
      List.of(
          "horizon", "river", "meadow", "forest", "canyon", "valley", "harbor", "summit", "glacier",
          "island", "lagoon", "prairie", "ridge", "delta", "orchard", "grove", "cove", "dune",
          "fjord", "mesa", "plateau", "reef", "shore", "spring", "stream", "tundra", "brook",
          "cliff", "crater", "lake", "marsh", "peak", "pond", "cascade", "bay", "field", "garden",
          "hill", "trail", "falls");

  private CodeNames() {}

  public static String next(RandomGenerator random) {
    return pick(ADJECTIVES, random) + "-" + pick(TIMES, random) + "-" + pick(PLACES, random);
  }

  private static String pick(List<String> words, RandomGenerator random) {
    return words.get(random.nextInt(words.size()));
  }
}
