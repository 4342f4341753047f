# The Tests page: a workspace's policy tests, run and kept current as the
# files change (ui/policytests/).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/policytestspage.cpp ${CMAKE_CURRENT_LIST_DIR}/policytestspage.h
    ${CMAKE_CURRENT_LIST_DIR}/testresultsmodel.cpp ${CMAKE_CURRENT_LIST_DIR}/testresultsmodel.h
)
