#include "core/library/autotag.h"

#include <algorithm>
#include <map>
#include <span>

#include "core/catalog/catalog.h"
#include "core/catalog/tagnormalize.h"
#include "core/library/modelsession.h"

namespace songspace::library {

std::optional<audio::TagField> tagFieldFromName(std::string_view name) {
  return audio::kTagFieldSpec.fromWord(name);
}

base::Status chooseAutotagThreshold(const core::JointModel& model,
                                    std::optional<float> minConfidence,
                                    std::optional<double> targetPrecision, AutotagThreshold& out) {
  if (minConfidence && targetPrecision) {
    return base::Status::failure(base::ErrorCode::InvalidArgument,
                                 "give a minimum confidence or a target precision, not both: the "
                                 "target precision chooses the minimum confidence");
  }
  std::string outOfRange;
  if (minConfidence) outOfRange = kAutotagMinConfidence.validate(*minConfidence);
  if (targetPrecision && outOfRange.empty())
    outOfRange = core::CalibrationOptions::kTargetPrecision.validate(*targetPrecision);
  if (!outOfRange.empty())
    return base::Status::failure(base::ErrorCode::InvalidArgument, outOfRange);
  if (!model.calibration) {
    return base::Status::failure(
        base::ErrorCode::Unsupported,
        "the model is uncalibrated (trained with calibration folds 0, or by an older Songspace): "
        "it has no tag probabilities to auto-tag with; train again with calibration (the default)");
  }
  const core::Calibration& calibration = *model.calibration;
  AutotagThreshold chosen;
  if (minConfidence) {
    chosen.source = AutotagThreshold::Source::MinConfidence;
    chosen.minConfidence = *minConfidence;
  } else if (targetPrecision) {
    if (calibration.precisionCurve.empty()) {
      return base::Status::failure(
          base::ErrorCode::Unsupported,
          "this model file keeps no held-out precision curve (saved by an older Songspace), so a "
          "target precision cannot be turned into a threshold; train again, or give a minimum "
          "confidence (the model's own threshold, for precision " +
              base::formatValue(calibration.targetPrecision) + ", is " +
              base::formatValue(calibration.autoTagThreshold) + ")");
    }
    chosen.source = AutotagThreshold::Source::TargetPrecision;
    chosen.targetPrecision = static_cast<float>(*targetPrecision);
    chosen.minConfidence = core::curveThreshold(calibration.precisionCurve, *targetPrecision,
                                                core::kAutoTagThresholdFloor);
  } else {
    chosen.source = AutotagThreshold::Source::Model;
    chosen.targetPrecision = calibration.targetPrecision;
    chosen.minConfidence = calibration.autoTagThreshold;
    chosen.modelExpectedPrecision = calibration.expectedPrecision;
  }
  chosen.heldOut = core::precisionAt(calibration.precisionCurve, chosen.minConfidence);
  const float reached = chosen.heldOutPrecision();
  if (chosen.source != AutotagThreshold::Source::MinConfidence &&
      reached < chosen.targetPrecision) {
    chosen.note = "no threshold reached precision " + base::formatValue(chosen.targetPrecision) +
                  " on the held-out songs; the threshold is the target itself (a calibrated "
                  "probability that high is right at least that often)";
  }
  out = std::move(chosen);
  return base::Status::success();
}

float AutotagThreshold::heldOutPrecision() const {
  if (source == Source::Model) return modelExpectedPrecision;
  return heldOut && heldOut->proposals > 0 ? heldOut->precision : -1.0f;
}

double expectedBatchPrecision(const std::vector<Proposal>& proposals) {
  double sum = 0;
  int count = 0;
  for (const Proposal& p : proposals) {
    if (p.skipped()) continue;
    for (const ProposedTag& tag : p.added) {
      sum += tag.probability;
      ++count;
    }
  }
  return count > 0 ? sum / count : -1.0;
}

std::map<std::string, std::string, std::less<>> librarySpellings(
    std::span<const core::SongRow> songs, const core::TagReadingRules& reading) {
  std::map<std::string, std::map<std::string, int>, std::less<>> counts;  // tag → spelling → n
  for (const core::SongRow& song : songs) {
    const core::TrackInfo& info = song.info;
    for (const auto* field : {&info.genres, &info.moods, &info.groupings, &info.freeTags}) {
      for (const std::string& value : core::splitFieldValues(*field, reading)) {
        const std::string tag = core::normalizeTag(value);
        if (!tag.empty()) ++counts[tag][value];
      }
    }
  }
  std::map<std::string, std::string, std::less<>> out;
  for (const auto& [tag, spellings] : counts) {
    const auto most = std::max_element(  // the first of equals: the least in byte order
        spellings.begin(), spellings.end(),
        [](const auto& a, const auto& b) { return a.second < b.second; });
    out.emplace(tag, most->first);
  }
  return out;
}

Proposal proposalFromPredictions(std::int64_t fileId, const std::string& path,
                                 const std::vector<ProposedTag>& ranked,
                                 const AutotagParams& params) {
  Proposal p;
  p.fileId = fileId;
  p.path = path;
  p.field = params.field;
  p.mode = params.mode;
  if (const auto status = audio::readTagField(path, params.field, p.oldValues); !status.ok()) {
    p.skipCode = base::errorCodeName(status.error);
    p.skipReason = status.message;
    return p;
  }
  // Split like the scanner does: "Rock;Pop" holds "pop"; a placeholder holds nothing.
  const std::vector<std::string> present = core::normalizeTags(p.oldValues, params.reading);

  // The value written for a normalised tag: the library's spelling of it, if it has one.
  const auto spelled = [&](const std::string& tag) {
    const auto it = params.spellings.find(tag);
    return it == params.spellings.end() ? tag : it->second;
  };
  std::vector<std::string> chosen;  // normalised, in rank order
  const float minConfidence = params.minConfidence.value_or(kAutotagMinConfidence.defaultValue);
  int considered = 0;
  for (const ProposedTag& hit : ranked) {
    if (considered >= params.maxTags || !(hit.probability >= minConfidence)) break;
    if (!hit.guess.empty()) {
      p.withheld.push_back(hit);
      continue;
    }
    ++considered;
    const std::string tag = core::normalizeTag(hit.tag);
    if (core::isJunkTag(tag, params.reading) ||
        std::find(chosen.begin(), chosen.end(), tag) != chosen.end())
      continue;
    chosen.push_back(tag);
    if (std::find(present.begin(), present.end(), tag) == present.end()) {
      p.added.push_back({spelled(tag), hit.probability});
    }
  }

  if (params.mode == AutotagMode::Add) {
    // The file's values stay; a placeholder among them gives way to the new ones (kept while
    // nothing is added, so a file gets no write of its own placeholder).
    for (const std::string& value : p.oldValues) {
      if (p.added.empty() || !core::splitFieldValues({value}, params.reading).empty())
        p.newValues.push_back(value);
    }
    for (const auto& hit : p.added) p.newValues.push_back(hit.tag);
  } else {
    // Replace keeps the file's own spelling of a value that stays.
    for (const auto& tag : chosen) {
      const auto it = std::find_if(p.oldValues.begin(), p.oldValues.end(),
                                   [&](const auto& v) { return core::normalizeTag(v) == tag; });
      p.newValues.push_back(it == p.oldValues.end() ? spelled(tag) : *it);
    }
  }
  if (chosen.empty() && !p.withheld.empty()) {
    p.skipCode = "tag_guess";
    p.skipReason = p.withheld.front().tag + " is " + p.withheld.front().guess;
  } else if (chosen.empty()) {
    p.skipCode = "no_prediction";
    p.skipReason = "no tag is at least as probable as the minimum confidence";
  } else if (p.newValues == p.oldValues) {
    p.skipCode = "nothing_new";
    p.skipReason = "the field already holds the proposed tags";
  }
  return p;
}

std::vector<Proposal> proposeTags(const core::Catalog& catalog, const ModelSession& session,
                                  const std::vector<std::int64_t>& fileIds,
                                  const AutotagParams& params) {
  std::vector<std::int64_t> ids = fileIds;
  if (ids.empty()) {
    for (const auto& song : catalog.songs()) {
      if (song.state == core::FileState::Analyzed) ids.push_back(song.fileId);
    }
  }
  const auto& calibration = session.model().calibration;
  AutotagParams resolved = params;
  if (!resolved.minConfidence && calibration)
    resolved.minConfidence = calibration->autoTagThreshold;
  std::vector<Proposal> out;
  out.reserve(ids.size());
  // A proposal for a file that gets no tags, and why.
  const auto skip = [&](std::int64_t id, std::string path, std::string code, std::string reason) {
    Proposal p;
    p.fileId = id;
    p.path = std::move(path);
    p.field = params.field;
    p.mode = params.mode;
    p.skipCode = std::move(code);
    p.skipReason = std::move(reason);
    out.push_back(std::move(p));
  };
  for (const std::int64_t id : ids) {
    const auto row = catalog.fileById(id);
    if (!row) {
      skip(id, {}, "not_in_library", "no file with id " + std::to_string(id) + " in the catalog");
      continue;
    }
    const auto embedding = session.embeddingOfFile(id);
    if (!embedding) {
      skip(id, row->path, "not_analysed",
           "the model has no embedding for this song (scan and train first)");
      continue;
    }
    if (!calibration) {
      skip(id, row->path, "uncalibrated_model",
           "the model has no tag probabilities (train again with calibration)");
      continue;
    }
    // A song unlike the training songs, or unlike the songs that carried tags, gets no
    // proposal: its tags would be guesses.
    if (const core::Novelty novelty = session.noveltyOfFile(id); novelty.novel()) {
      skip(id, row->path,
           novelty.scope == core::NoveltyScope::TaggedSongs ? "unlike_tagged_songs"
                                                            : "unlike_library",
           novelty.reason());
      continue;
    }
    // A song tagged only outside the vocabulary (its tags on too few songs to be learned): its
    // own label says no learned tag applies (the calibration counts it a negative for each,
    // design.md §3.1), so any proposal would contradict what the user said of it — in the README's
    // 13-song library, "Romantic Classical" for the only death-metal song.
    {
      std::vector<std::string> own;
      for (const core::FileTag& tag : catalog.tags(id)) {
        if (tag.source == core::TagSource::Predicted || tag.written ||
            core::isJunkTag(tag.tag, params.reading))
          continue;
        if (std::find(own.begin(), own.end(), tag.tag) == own.end()) own.push_back(tag.tag);
      }
      const bool learned = std::any_of(own.begin(), own.end(), [&](const std::string& tag) {
        return session.model().tagIndex(tag) >= 0;
      });
      if (!own.empty() && !learned) {
        std::string names;
        for (const std::string& tag : own) names += (names.empty() ? "" : ", ") + tag;
        // Read as any proposal (the field's values shown as they are), then skipped; a file that
        // cannot be read keeps that reason.
        Proposal p = proposalFromPredictions(id, row->path, {}, resolved);
        if (p.skipCode == "no_prediction") {
          p.skipCode = "unlearned_tags";
          p.skipReason = "it is tagged " + names +
                         (own.size() == 1 ? ", which the model did not learn"
                                          : ", none of which the model learned") +
                         " (too few songs); a learned tag would contradict it";
        }
        out.push_back(std::move(p));
        continue;
      }
    }
    // Every tag, ranked: guesses are withheld without taking a place among the maxTags.
    std::vector<ProposedTag> ranked;
    for (const Hit& hit : session.predictTags(
             *embedding, static_cast<int>(session.model().T.cols()), session.lengthOfFile(id))) {
      ranked.push_back({hit.name, hit.probability, hit.guess});
    }
    out.push_back(proposalFromPredictions(id, row->path, ranked, resolved));
  }
  return out;
}

}  // namespace songspace::library
