#pragma once

#include <Eigen/Core>
#include <QJsonArray>
#include <QString>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/library/modelsession.h"
#include "core/model/discovery.h"

namespace songspace::cli {

class Arguments;

// What the query and discovery commands share: the catalog given by --db and its trained model.
struct QueryContext {
  std::unique_ptr<core::Catalog> catalog;
  library::ModelSession session;
};

// Opens --db's catalog and loads its model; prints why to stderr and returns false otherwise.
bool openQueryContext(const Arguments& args, QueryContext& context);

// FILE|ID: a catalog id, a file of the catalog, or any other file (cold start: analysed now).
// fileId is 0 for a file outside the catalog. `novelty` (optional) receives whether the song is
// unlike the training songs (core/model/novelty.h). Prints why to stderr and returns false
// otherwise.
bool songEmbedding(const QueryContext& context, const QString& what, Eigen::VectorXf& out,
                   std::int64_t& fileId, QString& label, core::Novelty* novelty = nullptr);

// A novelty check as JSON: novel, reason (empty when familiar), the distances and thresholds,
// scope (library | tagged_songs), too_short, seconds and shortest_seconds.
QJsonObject noveltyJson(const core::Novelty& novelty);

// A song of the library as JSON (file_id, path, title, artist) and as one line of text
// ("Artist – Title  [id]").
QJsonObject songJson(const core::Catalog& catalog, std::int64_t fileId);
QString songText(const core::Catalog& catalog, std::int64_t fileId);

// The model's tag of that name, as typed or normalised like the catalog's tags; its artist of
// that name, as typed or else the one artist whose name matches ignoring case. −1 when there is
// none; then, when `report`, stderr says why: the reason training left the name out (the
// catalog's record of the model: "on 1 song; a tag needs at least 2 songs to be learned"), or
// that the model does not know it.
int findTag(const QueryContext& context, const QString& name, bool report = true);
int findArtist(const QueryContext& context, const QString& name, bool report = true);

// The names of the tags of model.T in `scored`, in order.
QJsonArray tagNames(const core::JointModel& model, const std::vector<core::Scored>& scored);

// The file ids of the session rows a song entry stands for besides its own (its exact copies and
// near-duplicates), as JSON objects {file_id, path}.
QJsonArray alternativesJson(const QueryContext& context, const core::SongDuplicates& duplicates,
                            int row);

}  // namespace songspace::cli
