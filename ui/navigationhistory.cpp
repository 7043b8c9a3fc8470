#include "ui/navigationhistory.h"

#include <algorithm>
#include <utility>

namespace songspace::ui {

NavigationHistory::NavigationHistory(QObject* parent) : QObject(parent) {}

Location NavigationHistory::current() const {
  return m_index < 0 ? Location{} : m_entries[static_cast<std::size_t>(m_index)];
}

void NavigationHistory::visit(const Location& location) {
  if (m_index >= 0 && m_entries[static_cast<std::size_t>(m_index)] == location) return;
  const bool wasBack = canGoBack();
  const bool wasForward = canGoForward();
  m_entries.resize(static_cast<std::size_t>(m_index) + 1);
  m_entries.push_back(location);
  if (static_cast<int>(m_entries.size()) > kMaxEntries) {
    m_entries.erase(m_entries.begin(),
                    m_entries.begin() + (static_cast<int>(m_entries.size()) - kMaxEntries));
  }
  moveTo(static_cast<int>(m_entries.size()) - 1, wasBack, wasForward);
}

bool NavigationHistory::back() {
  if (!canGoBack()) return false;
  moveTo(m_index - 1, canGoBack(), canGoForward());
  return true;
}

bool NavigationHistory::forward() {
  if (!canGoForward()) return false;
  moveTo(m_index + 1, canGoBack(), canGoForward());
  return true;
}

void NavigationHistory::clear() {
  const bool wasBack = canGoBack();
  const bool wasForward = canGoForward();
  m_entries.clear();
  m_index = -1;
  if (wasBack || wasForward) Q_EMIT availabilityChanged(false, false);
}

int NavigationHistory::prune(const std::function<bool(const Location&)>& exists) {
  std::vector<Location> kept;
  kept.reserve(m_entries.size());
  int index = -1;  // in `kept`: the current entry, or the last one that survived before it
  for (int i = 0; i < size(); ++i) {
    const Location& entry = m_entries[static_cast<std::size_t>(i)];
    if (!exists(entry)) continue;
    if (kept.empty() || !(kept.back() == entry)) kept.push_back(entry);
    if (i <= m_index) index = static_cast<int>(kept.size()) - 1;
  }
  const int dropped = size() - static_cast<int>(kept.size());
  if (dropped == 0) return 0;
  if (kept.empty()) {
    clear();
    return dropped;
  }
  const bool wasBack = canGoBack();
  const bool wasForward = canGoForward();
  const Location before = current();
  m_entries = std::move(kept);
  m_index = std::max(index, 0);
  if (current() == before) {
    if (wasBack != canGoBack() || wasForward != canGoForward())
      Q_EMIT availabilityChanged(canGoBack(), canGoForward());
  } else {
    moveTo(m_index, wasBack, wasForward);
  }
  return dropped;
}

void NavigationHistory::moveTo(int index, bool wasBack, bool wasForward) {
  m_index = index;
  Q_EMIT currentChanged(current());
  if (wasBack != canGoBack() || wasForward != canGoForward()) {
    Q_EMIT availabilityChanged(canGoBack(), canGoForward());
  }
}

}  // namespace songspace::ui
