#pragma once

// A read-only std::vector<T> shared by its copies: copying a SharedVector copies a pointer, not
// the elements, so two values made from one another hold the same elements at the same
// addresses for as long as either lives (what lets LibrarySnapshot's copies share 10⁵ songs
// instead of copying them: docs/experiments.md §3.11).
//
// Reads as a const std::vector<T>: size(), operator[], iteration, and an implicit conversion to
// const std::vector<T>& for functions that take one. Never modified in place: assigning a vector
// replaces this value's elements and leaves its former copies holding the old ones.
// Thread rules: as a const std::vector: any number of threads may read one value (and its copies)
// at once; assigning to a value needs the usual exclusive access to that value only.

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace songspace::base {

template <typename T>
class SharedVector {
 public:
  using value_type = T;
  using size_type = typename std::vector<T>::size_type;
  using const_iterator = typename std::vector<T>::const_iterator;
  using const_reference = const T&;

  SharedVector() = default;
  // NOLINTNEXTLINE(google-explicit-constructor): stands in for the vector it was made from
  SharedVector(std::vector<T> elements)
      : m_elements(std::make_shared<const std::vector<T>>(std::move(elements))) {}
  SharedVector& operator=(std::vector<T> elements) {
    m_elements = std::make_shared<const std::vector<T>>(std::move(elements));
    return *this;
  }

  const std::vector<T>& vector() const { return m_elements ? *m_elements : none(); }
  // NOLINTNEXTLINE(google-explicit-constructor): reads as the vector it holds
  operator const std::vector<T>&() const { return vector(); }

  size_type size() const { return vector().size(); }
  bool empty() const { return vector().empty(); }
  const T& operator[](size_type i) const { return vector()[i]; }
  const T& at(size_type i) const { return vector().at(i); }
  const T& front() const { return vector().front(); }
  const T& back() const { return vector().back(); }
  const T* data() const { return vector().data(); }
  const_iterator begin() const { return vector().begin(); }
  const_iterator end() const { return vector().end(); }
  const_iterator cbegin() const { return vector().cbegin(); }
  const_iterator cend() const { return vector().cend(); }

 private:
  static const std::vector<T>& none() {
    static const std::vector<T> empty;
    return empty;
  }
  std::shared_ptr<const std::vector<T>> m_elements;
};

}  // namespace songspace::base
