#pragma once

namespace songspace::audio {

// The one sample rate every analysis runs at, in Hz (docs/design.md §4): the decoder resamples to
// it (mono) and the MFCC front end expects it. 22050 Hz keeps everything below 11 kHz, where the
// timbre a codebook can tell apart lives, at half the cost of 44.1 kHz.
inline constexpr int kAnalysisSampleRate = 22050;

}  // namespace songspace::audio
