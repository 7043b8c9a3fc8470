// core/base/parameter.h: ranges, messages and parsing of ParameterSpec / EnumSpec, and that every
// options struct's validate() checks each parameter it declares.
#include <QtTest>
#include <cmath>
#include <limits>
#include <string>

#include "audio/tagwriter.h"
#include "core/base/parameter.h"
#include "core/eval/evaluation.h"
#include "core/eval/tableeval.h"
#include "core/library/scanjob.h"
#include "core/model/trainer.h"

using namespace songspace;
using base::Bound;
using base::ParameterSpec;

namespace {

enum class Colour { Red, Green, Blue };

constexpr ParameterSpec<int> kCount{"count", 5, 1, 10, "things counted", "items"};
constexpr ParameterSpec<double> kRate{"rate",    0.5, 0.0,         1.0,
                                      "a share", "",  Bound::Open, Bound::Closed};
constexpr ParameterSpec<double> kDecay{"decay",   0.0, 0.0,           1.0,
                                       "a decay", "",  Bound::Closed, Bound::Open};
constexpr base::EnumSpec<Colour, 3> kColour{
    "colour",
    Colour::Green,
    {{{Colour::Red, "red"}, {Colour::Green, "green"}, {Colour::Blue, "blue"}}},
    "a colour"};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

class ParameterTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void closedRangeContainsItsEnds() {
    QVERIFY(kCount.contains(1));
    QVERIFY(kCount.contains(10));
    QVERIFY(!kCount.contains(0));
    QVERIFY(!kCount.contains(11));
    QCOMPARE(kCount.rangeText(), std::string("[1, 10]"));
  }

  void openEndsAreExcluded() {
    QVERIFY(!kRate.contains(0.0));
    QVERIFY(kRate.contains(1e-300));
    QVERIFY(kRate.contains(1.0));
    QVERIFY(!kRate.contains(std::nextafter(1.0, 2.0)));
    QCOMPARE(kRate.rangeText(), std::string("(0, 1]"));
    QVERIFY(kDecay.contains(0.0));
    QVERIFY(!kDecay.contains(1.0));
    QVERIFY(kDecay.contains(std::nextafter(1.0, 0.0)));
    QCOMPARE(kDecay.rangeText(), std::string("[0, 1)"));
  }

  void nanAndInfinityAreNeverValid() {
    QVERIFY(!kRate.contains(std::numeric_limits<double>::quiet_NaN()));
    QVERIFY(!kRate.contains(std::numeric_limits<double>::infinity()));
    QVERIFY(!kRate.parse("nan").has_value());
    QVERIFY(!kRate.parse("inf").has_value());
  }

  void validateNamesParameterValueAndRange() {
    QVERIFY(kCount.validate(5).empty());
    const std::string message = kCount.validate(11);
    QCOMPARE(message, std::string("count = 11 items is outside [1, 10] (things counted)"));
    QVERIFY(contains(kRate.validate(0.0), "rate = 0 is outside (0, 1]"));
    QVERIFY(kDecay.validate(0.999).empty());
  }

  void parseReadsWholeNumbersWithinRange() {
    QCOMPARE(kCount.parse("7"), std::optional<int>(7));
    QCOMPARE(kCount.parse("+7"), std::optional<int>(7));
    QCOMPARE(kCount.parse("10"), std::optional<int>(10));
    QVERIFY(!kCount.parse("11").has_value());
    QVERIFY(!kCount.parse("0").has_value());
    QVERIFY(!kCount.parse("7.5").has_value());  // not an integer
    QVERIFY(!kCount.parse("7x").has_value());   // trailing characters
    QVERIFY(!kCount.parse(" 7").has_value());
    QVERIFY(!kCount.parse("").has_value());
    QVERIFY(!kCount.parse("+").has_value());
    QCOMPARE(kRate.parse("1e-6"), std::optional<double>(1e-6));
    QCOMPARE(kRate.parse("0.25"), std::optional<double>(0.25));
    QVERIFY(!kRate.parse("0").has_value());
  }

  void seedCoversEverySixtyFourBitValue() {
    const auto& seed = base::kSeedSpec;
    QCOMPARE(seed.parse("0"), std::optional<std::uint64_t>(0));
    QCOMPARE(seed.parse("18446744073709551615"),
             std::optional<std::uint64_t>(std::numeric_limits<std::uint64_t>::max()));
    QVERIFY(!seed.parse("18446744073709551616").has_value());  // overflow
    QVERIFY(!seed.parse("-1").has_value());
    QCOMPARE(seed.rangeText(), std::string("[0, 18446744073709551615]"));
  }

  void formatValueRoundTrips() {
    QCOMPARE(base::formatValue(160), std::string("160"));
    QCOMPARE(base::formatValue(0.05), std::string("0.05"));
    QCOMPARE(base::formatValue(2.0f), std::string("2"));
    QCOMPARE(base::formatValue(1e-6), std::string("1e-06"));
    for (const double v : {0.05, 1e-6, 0.999999, 0.1 + 0.2})  // all within kRate's (0, 1]
      QCOMPARE(kRate.parse(base::formatValue(v)), std::optional<double>(v));
  }

  void enumSpecMapsWordsBothWays() {
    QCOMPARE(kColour.fromWord("blue"), std::optional<Colour>(Colour::Blue));
    QVERIFY(!kColour.fromWord("Blue").has_value());
    QVERIFY(!kColour.fromWord("").has_value());
    QCOMPARE(kColour.wordOf(Colour::Red), std::string_view("red"));
    QCOMPARE(kColour.wordOf(static_cast<Colour>(7)), std::string_view());
    QCOMPARE(kColour.choicesText(), std::string("red|green|blue"));
    QCOMPARE(kColour.choicesProse(), std::string("red, green or blue"));
  }

  void tagFieldNamesComeFromTheSpec() {
    for (const auto& choice : audio::kTagFieldSpec.choices) {
      QCOMPARE(std::string_view(audio::tagFieldName(choice.value)), choice.word);
    }
  }

  // Each declared parameter of TrainOptions, pushed one step past either end of its range, makes
  // validate() fail with a message naming it; the defaults validate.
  void trainOptionsValidateEveryDeclaredRange() {
    using core::TrainOptions;
    QVERIFY(TrainOptions{}.validate().empty());
    const auto rejects = [](auto set, std::string_view name) {
      TrainOptions o;
      set(o);
      const std::string error = o.validate();
      return !error.empty() && contains(error, std::string(name));
    };
    QVERIFY(rejects([](TrainOptions& o) { o.dimension = TrainOptions::kDimension.maxValue + 1; },
                    TrainOptions::kDimension.name));
    QVERIFY(rejects([](TrainOptions& o) { o.dimension = TrainOptions::kDimension.minValue - 1; },
                    TrainOptions::kDimension.name));
    QVERIFY(rejects([](TrainOptions& o) { o.subspaces = -1; }, TrainOptions::kSubspaces.name));
    QVERIFY(rejects([](TrainOptions& o) { o.subspaces = o.dimension + 1; }, "subspaces"));
    QVERIFY(rejects([](TrainOptions& o) { o.epochs = TrainOptions::kEpochs.maxValue + 1; },
                    TrainOptions::kEpochs.name));
    QVERIFY(rejects([](TrainOptions& o) { o.epochs = TrainOptions::kEpochs.minValue - 1; },
                    TrainOptions::kEpochs.name));
    QVERIFY(rejects([](TrainOptions& o) { o.threads = TrainOptions::kThreads.maxValue + 1; },
                    TrainOptions::kThreads.name));
    QVERIFY(rejects([](TrainOptions& o) { o.patience = -1; }, TrainOptions::kPatience.name));
    QVERIFY(rejects([](TrainOptions& o) { o.maxNegativeDraws = -1; },
                    TrainOptions::kMaxNegativeDraws.name));
    QVERIFY(rejects([](TrainOptions& o) { o.maxValidationSongs = 0; },
                    TrainOptions::kMaxValidationSongs.name));
    QVERIFY(rejects(
        [](TrainOptions& o) { o.maxStepsPerEpoch = TrainOptions::kMaxStepsPerEpoch.minValue - 1; },
        TrainOptions::kMaxStepsPerEpoch.name));
    QVERIFY(rejects([](TrainOptions& o) { o.learningRate = 0; }, TrainOptions::kLearningRate.name));
    QVERIFY(rejects([](TrainOptions& o) { o.learningRate = std::nextafter(100.0, 200.0); },
                    TrainOptions::kLearningRate.name));
    QVERIFY(rejects([](TrainOptions& o) { o.maxNorm = 0; }, TrainOptions::kMaxNorm.name));
    QVERIFY(rejects([](TrainOptions& o) { o.validationFraction = 1.0; },
                    TrainOptions::kValidationFraction.name));
    QVERIFY(
        rejects([](TrainOptions& o) { o.averageDecay = 1.0; }, TrainOptions::kAverageDecay.name));
    QVERIFY(rejects([](TrainOptions& o) { o.learningRateDecayEpochs = -1e-9; },
                    TrainOptions::kLearningRateDecayEpochs.name));
    QVERIFY(
        rejects([](TrainOptions& o) { o.taskWeights[2] = -1; }, TrainOptions::kTaskWeight.name));
    QVERIFY(rejects([](TrainOptions& o) { o.loss = static_cast<core::Loss>(9); }, "loss"));
    QVERIFY(rejects([](TrainOptions& o) { o.optimizer = static_cast<core::Optimizer>(9); },
                    "optimizer"));
    // The ends themselves are valid.
    TrainOptions ends;
    ends.dimension = TrainOptions::kDimension.maxValue;
    ends.learningRate = TrainOptions::kLearningRate.maxValue;
    ends.epochs = TrainOptions::kEpochs.maxValue;
    ends.averageDecay = 0;
    QVERIFY2(ends.validate().empty(), ends.validate().c_str());
  }

  void otherOptionsValidateTheirRanges() {
    QVERIFY(core::EvalOptions{}.validate().empty());
    core::EvalOptions eval;
    eval.holdoutFraction = core::EvalOptions::kHoldoutFraction.maxValue + 0.01;
    QVERIFY(contains(eval.validate(), "holdout_fraction"));
    eval = {};
    eval.train.dimension = 0;
    QVERIFY(contains(eval.validate(), "dimension"));

    QVERIFY2(core::TableEvalOptions{}.validate().empty(),
             core::TableEvalOptions{}.validate().c_str());
    core::TableEvalOptions table;
    table.folds = 1;
    QVERIFY(contains(table.validate(), "folds"));
    table = {};
    table.gammas = {0.04, 0.0};
    QVERIFY(contains(table.validate(), "gamma"));
    table = {};
    table.expansion.landmarks = core::TableExpansionOptions::kLandmarks.maxValue + 1;
    QVERIFY(contains(table.validate(), "landmarks"));

    QVERIFY(library::ScanOptions{}.validate().empty());
    library::ScanOptions scan;
    scan.commitEvery = 0;
    QVERIFY(contains(scan.validate(), "commit_every"));
    scan = {};
    scan.threads = library::ScanOptions::kThreads.maxValue + 1;
    QVERIFY(contains(scan.validate(), "threads"));
    scan = {};
    scan.codebook.clusters = 1;
    QVERIFY(contains(scan.validate(), "clusters"));
  }
};

QTEST_GUILESS_MAIN(ParameterTest)
#include "tst_parameter.moc"
