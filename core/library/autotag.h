#pragma once

// Auto-tagging, step 1: proposals. For each song, the model's predicted tags that score high
// enough and are not already in the target field of the FILE (the file is the truth, not the
// catalog), and the field's complete contents after the change. Nothing is written here; see
// autotagapply.h (apply) and tagundo.h (undo).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audio/tagwriter.h"
#include "core/base/parameter.h"

namespace songspace::core {
class Catalog;
}

namespace songspace::library {

class ModelSession;

enum class AutotagMode {
  Add,      // the new values are appended to the field's existing ones
  Replace,  // the field becomes exactly the proposed values
};

inline constexpr base::ParameterSpec<float> kAutotagMinScore{
    "min_score", 0.0f, -1000.0f, 1000.0f,
    "lowest model score (dot product T_t·V s) of a tag worth proposing"};
inline constexpr base::ParameterSpec<int> kAutotagMaxTags{
    "max_tags", 3, 1, 50, "most predicted tags proposed per song (before removing present ones)"};

struct AutotagParams {
  audio::TagField field = audio::kTagFieldSpec.defaultValue;
  float minScore = kAutotagMinScore.defaultValue;
  int maxTags = kAutotagMaxTags.defaultValue;
  AutotagMode mode = AutotagMode::Add;
};

// "genre" | "mood" | "grouping" | "tags" | "comment" → the field; nullopt for anything else.
std::optional<audio::TagField> tagFieldFromName(std::string_view name);

struct ProposedTag {
  std::string tag;  // as the model names it (normalised)
  float score = 0;
};

struct Proposal {
  std::int64_t fileId = 0;  // 0 when the file is not in the catalog
  std::string path;
  audio::TagField field = audio::TagField::Genre;
  AutotagMode mode = AutotagMode::Add;
  std::vector<std::string> oldValues;  // the field as read from the file
  std::vector<std::string> newValues;  // the field's complete contents after the change
  std::vector<ProposedTag> added;      // the predicted tags that are new to the field
  std::string skipCode;                // empty = to be written; else "no_model_song", ...
  std::string skipReason;              // words a user understands
  bool skipped() const { return !skipCode.empty(); }
};

// Builds one file's proposal from ranked predictions (best first): keeps those with score ≥
// minScore, at most maxTags, drops those already present in the field (normalizeTag on both
// sides), and reads the field from the file. Skipped with a reason when the file cannot be read,
// when nothing is new (Add) or when the field already holds exactly these values (Replace).
Proposal proposalFromPredictions(std::int64_t fileId, const std::string& path,
                                 const std::vector<ProposedTag>& ranked,
                                 const AutotagParams& params);

// Proposals for the given catalog files (empty = every analysed song), in the given order (by
// path for all songs). Files the model has not embedded are skipped with a reason, and so are
// songs unlike the training songs (skipCode "unlike_library", the novelty's reason).
std::vector<Proposal> proposeTags(const core::Catalog& catalog, const ModelSession& session,
                                  const std::vector<std::int64_t>& fileIds,
                                  const AutotagParams& params);

}  // namespace songspace::library
