# The semantic policy diff (docs/semantic-diff.md); included by core/CMakeLists.txt.
target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/semanticdiff.cpp ${CMAKE_CURRENT_LIST_DIR}/semanticdiff.h
    ${CMAKE_CURRENT_LIST_DIR}/diffsections.h
    ${CMAKE_CURRENT_LIST_DIR}/diffnetwork.cpp
    ${CMAKE_CURRENT_LIST_DIR}/difffilesystem.cpp
    ${CMAKE_CURRENT_LIST_DIR}/diffpolicies.cpp
    ${CMAKE_CURRENT_LIST_DIR}/diffformat.cpp
)
