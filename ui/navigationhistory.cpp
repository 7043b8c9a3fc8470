#include "ui/navigationhistory.h"

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

void NavigationHistory::moveTo(int index, bool wasBack, bool wasForward) {
  m_index = index;
  Q_EMIT currentChanged(current());
  if (wasBack != canGoBack() || wasForward != canGoForward()) {
    Q_EMIT availabilityChanged(canGoBack(), canGoForward());
  }
}

}  // namespace songspace::ui
