#include "core/library/autotag.h"

#include <algorithm>

#include "core/catalog/catalog.h"
#include "core/catalog/tagnormalize.h"
#include "core/library/modelsession.h"

namespace songspace::library {

std::optional<audio::TagField> tagFieldFromName(std::string_view name) {
  return audio::kTagFieldSpec.fromWord(name);
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
  // Split like the scanner does: "Rock;Pop" holds "pop".
  const std::vector<std::string> present = core::normalizeTags(p.oldValues);

  std::vector<std::string> chosen;  // normalised, in rank order
  int considered = 0;
  for (const ProposedTag& hit : ranked) {
    if (considered >= params.maxTags || hit.score < params.minScore) break;
    ++considered;
    const std::string tag = core::normalizeTag(hit.tag);
    if (tag.empty() || std::find(chosen.begin(), chosen.end(), tag) != chosen.end()) continue;
    chosen.push_back(tag);
    if (std::find(present.begin(), present.end(), tag) == present.end()) {
      p.added.push_back({tag, hit.score});
    }
  }

  if (params.mode == AutotagMode::Add) {
    p.newValues = p.oldValues;
    for (const auto& hit : p.added) p.newValues.push_back(hit.tag);
  } else {
    // Replace keeps the file's own spelling of a value that stays.
    for (const auto& tag : chosen) {
      const auto it = std::find_if(p.oldValues.begin(), p.oldValues.end(),
                                   [&](const auto& v) { return core::normalizeTag(v) == tag; });
      p.newValues.push_back(it == p.oldValues.end() ? tag : *it);
    }
  }
  if (chosen.empty()) {
    p.skipCode = "no_prediction";
    p.skipReason = "no predicted tag scores at least the minimum";
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
  std::vector<Proposal> out;
  out.reserve(ids.size());
  for (const std::int64_t id : ids) {
    const auto row = catalog.fileById(id);
    if (!row) {
      Proposal p;
      p.fileId = id;
      p.field = params.field;
      p.mode = params.mode;
      p.skipCode = "not_in_library";
      p.skipReason = "no file with id " + std::to_string(id) + " in the catalog";
      out.push_back(std::move(p));
      continue;
    }
    const auto embedding = session.embeddingOfFile(id);
    if (!embedding) {
      Proposal p;
      p.fileId = id;
      p.path = row->path;
      p.field = params.field;
      p.mode = params.mode;
      p.skipCode = "not_analysed";
      p.skipReason = "the model has no embedding for this song (scan and train first)";
      out.push_back(std::move(p));
      continue;
    }
    // A song unlike the training songs gets no proposal: its tags would be guesses.
    if (const core::Novelty novelty = session.noveltyOfFile(id); novelty.novel()) {
      Proposal p;
      p.fileId = id;
      p.path = row->path;
      p.field = params.field;
      p.mode = params.mode;
      p.skipCode = "unlike_library";
      p.skipReason = novelty.reason();
      out.push_back(std::move(p));
      continue;
    }
    std::vector<ProposedTag> ranked;
    for (const Hit& hit : session.predictTags(*embedding, params.maxTags)) {
      ranked.push_back({hit.name, hit.score});
    }
    out.push_back(proposalFromPredictions(id, row->path, ranked, params));
  }
  return out;
}

}  // namespace songspace::library
