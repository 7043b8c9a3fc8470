#pragma once

// Auto-tagging, step 1: proposals. For each song, the model's predicted tags that score high
// enough and are not already in the target field of the FILE (the file is the truth, not the
// catalog), and the field's complete contents after the change. Nothing is written here; see
// autotagapply.h (apply) and tagundo.h (undo).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audio/tagwriter.h"
#include "core/base/parameter.h"
#include "core/base/status.h"
#include "core/catalog/tagnormalize.h"
#include "core/eval/crossfit.h"
#include "core/model/calibration.h"
#include "core/model/jointmodel.h"

namespace songspace::core {
class Catalog;
struct SongRow;
}  // namespace songspace::core

namespace songspace::library {

class ModelSession;

enum class AutotagMode {
  Add,      // the new values are appended to the field's existing ones
  Replace,  // the field becomes exactly the proposed values
};

// Auto-tag proposes a tag when its calibrated probability (core::Calibration::tagProbability:
// the chance the song has it, fitted on held-out songs) reaches the threshold. The default is not
// this spec's value but the model's own calibration->autoTagThreshold (the lowest probability at
// which the held-out proposals reached the target precision); the spec's default, the default
// target precision itself, stands in where no model is at hand (a calibrated probability ≥ 0.9 is
// right at least 90 % of the time).
inline constexpr base::ParameterSpec<float> kAutotagMinConfidence{
    "min_confidence", static_cast<float>(core::CalibrationOptions::kTargetPrecision.defaultValue),
    0.0f, 1.0f,
    "lowest calibrated probability of a proposed tag (default: the model's threshold for its "
    "target precision)"};
inline constexpr base::ParameterSpec<int> kAutotagMaxTags{
    "max_tags", 3, 1, 50,
    "most predicted tags proposed per song (before removing present ones); never admits one "
    "below the minimum confidence"};

struct AutotagParams {
  audio::TagField field = audio::kTagFieldSpec.defaultValue;
  // nullopt: the model's calibration->autoTagThreshold (proposeTags, chooseAutotagThreshold).
  std::optional<float> minConfidence;
  int maxTags = kAutotagMaxTags.defaultValue;
  AutotagMode mode = AutotagMode::Add;
  // The scan's reading rules: a placeholder value ("(none)") counts as empty, so a proposal may
  // fill the field (in Add mode the placeholder is replaced, not kept beside the new values);
  // values are split as the scan splits them; a placeholder is never proposed.
  core::TagReadingRules reading;
  // How each tag is spelled when written, by its normalised name (normalizeTag): the spelling the
  // library's files use most (librarySpellings), so a library that says "Game" gets "Game", not
  // the catalog's "game". A tag missing here is written as its normalised name. A value the file
  // already holds keeps the file's own spelling.
  std::map<std::string, std::string, std::less<>> spellings;
};

// Per normalised tag name, the spelling `songs`' files use most for it among their genre, mood,
// grouping and free-tag values (split as the scan splits them with `reading`; placeholders
// dropped); ties go to the spelling first in byte order. For AutotagParams::spellings: O(values).
std::map<std::string, std::string, std::less<>> librarySpellings(
    std::span<const core::SongRow> songs, const core::TagReadingRules& reading);

// The threshold a run uses and what it did on the held-out songs.
struct AutotagThreshold {
  enum class Source {
    Model,            // the model's calibration->autoTagThreshold (nothing given)
    MinConfidence,    // given as such
    TargetPrecision,  // picked from the held-out precision curve for a given target
  };
  float minConfidence = 0;
  Source source = Source::Model;
  // The target the threshold was chosen for (Model: the model's, TargetPrecision: the given one);
  // −1 for a given minimum confidence.
  float targetPrecision = -1;
  // The held-out proposals at the threshold (core::precisionAt on the model's curve); nullopt when
  // the model file has no curve (saved before format 4).
  std::optional<core::PrecisionPoint> heldOut;
  // Model: the model's expectedPrecision (the held-out precision at its exact threshold).
  float modelExpectedPrecision = -1;
  // Set when the target was out of reach on the held-out songs (the threshold is then the target).
  std::string note;

  // The held-out precision of proposals at the threshold: Model, the exact one at the model's
  // threshold (modelExpectedPrecision); otherwise heldOut's (−1 without a curve or proposals).
  float heldOutPrecision() const;
};

// Chooses the threshold for `model` from at most one of a minimum confidence and a target
// precision (nullopt: not given; both nullopt: the model's own threshold). Errors, with words for
// a user: InvalidArgument when both are given or one is outside its spec's range
// (kAutotagMinConfidence, CalibrationOptions::kTargetPrecision); Unsupported when the model is
// uncalibrated (trained with calibration folds 0, or saved before format 2): it has no
// probabilities, and a raw-score threshold would mean something different on every model, so
// auto-tag refuses and says to retrain; Unsupported for a target precision when the model file
// has no precision curve (saved before format 4): retrain, or give a minimum confidence.
[[nodiscard]] base::Status chooseAutotagThreshold(const core::JointModel& model,
                                                  std::optional<float> minConfidence,
                                                  std::optional<double> targetPrecision,
                                                  AutotagThreshold& out);

// "genre" | "mood" | "grouping" | "tags" | "comment" → the field; nullopt for anything else.
std::optional<audio::TagField> tagFieldFromName(std::string_view name);

struct ProposedTag {
  // As the model names it (normalised); in Proposal::added, as written (AutotagParams::spellings).
  std::string tag;
  float probability = 0;  // calibrated, in [0, 1]
  // Why the prediction is a guess for this song (Hit::guess); a guess is never proposed.
  std::string guess{};
};

struct Proposal {
  std::int64_t fileId = 0;  // 0 when the file is not in the catalog
  std::string path;
  audio::TagField field = audio::TagField::Genre;
  AutotagMode mode = AutotagMode::Add;
  std::vector<std::string> oldValues;  // the field as read from the file
  std::vector<std::string> newValues;  // the field's complete contents after the change
  std::vector<ProposedTag> added;      // the predicted tags new to the field, as written
  // Tags probable enough that are not proposed because they are guesses for this song
  // (ProposedTag::guess says why), as the model names them.
  std::vector<ProposedTag> withheld;
  std::string skipCode;    // empty = to be written; else "no_model_song", ...
  std::string skipReason;  // words a user understands
  bool skipped() const { return !skipCode.empty(); }
};

// Builds one file's proposal from ranked predictions (most probable first): keeps those with
// probability ≥ minConfidence (nullopt: kAutotagMinConfidence's default), at most maxTags, drops
// those already present in the field (normalizeTag on both sides), and reads the field from the
// file. A guess (ProposedTag::guess) probable enough goes to Proposal::withheld instead and does
// not count towards maxTags. Skipped with a reason when the file cannot be read, when every tag
// probable enough is a guess ("tag_guess", the first guess's reason), when nothing is new (Add)
// or when the field already holds exactly these values (Replace).
Proposal proposalFromPredictions(std::int64_t fileId, const std::string& path,
                                 const std::vector<ProposedTag>& ranked,
                                 const AutotagParams& params);

// Proposals for the given catalog files (empty = every analysed song), in the given order (by
// path for all songs), ranked by calibrated probability; params.minConfidence nullopt is the
// model's calibration->autoTagThreshold. Files the model has not embedded are skipped with a
// reason, every file when the model is uncalibrated ("uncalibrated_model"), songs unlike the
// training songs (skipCode "unlike_library", the novelty's reason) and songs unlike the training
// songs that carried tags ("unlike_tagged_songs"), songs whose own tags (from files and users,
// not written by auto-tag) are all outside the model's vocabulary ("unlearned_tags": their label
// says no learned tag applies); a tag that is a guess for its song
// (ModelSession::tagGuessOfFile: shorter than that tag's songs) is withheld.
std::vector<Proposal> proposeTags(const core::Catalog& catalog, const ModelSession& session,
                                  const std::vector<std::int64_t>& fileIds,
                                  const AutotagParams& params);

// The expected precision of a batch: the mean probability of the tags it adds (calibrated, so the
// share of them expected to be right); −1 when it adds none. Skipped proposals do not count.
double expectedBatchPrecision(const std::vector<Proposal>& proposals);

}  // namespace songspace::library
